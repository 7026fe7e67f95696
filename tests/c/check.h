/* The C tests' check macro: counts passes and failures, prints each
 * failure with its place; main() ends with return check_report(). */
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

/* The summary line; the exit status of main. */
static inline int check_report(void)
{
  printf("%d passed, %d failed\n", npass, nfail);
  return nfail != 0;
}

#endif
