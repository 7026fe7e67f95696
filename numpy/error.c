/* Thread-local error message behind lnp_status codes. */
#include <stdarg.h>
#include <stdio.h>
#include "lnp.h"

static _Thread_local char lnp_errbuf[512];

lnp_status lnp_error(lnp_status st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(lnp_errbuf, sizeof lnp_errbuf, fmt, ap);
  va_end(ap);
  return st;
}

const char *lnp_error_message(void) { return lnp_errbuf; }
