/* The C tests' check macro: counts passes and failures, prints each
 * failure with its place; main() returns nfail != 0. */
#ifndef LNP_TEST_CHECK_H
#define LNP_TEST_CHECK_H

#include <stdio.h>

static int npass, nfail;

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (cond) {                                                                \
      npass++;                                                                 \
    } else {                                                                   \
      nfail++;                                                                 \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                              \
      printf(__VA_ARGS__);                                                     \
      printf("\n");                                                            \
    }                                                                          \
  } while (0)

#endif
