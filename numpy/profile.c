/* Task labels for traces: see profile.h. */
#include <string.h>
#include <starpu.h>
#include "lnp.h"
#include "profile.h"

int lnp_profile_on = 0;
static lnp_profile_label_fn label_fn = NULL;
/* The operations of the current Python-level call, by kernel (an operation
 * may start another inside it), and the last label given. */
#define LNP_PROFILE_KERNELS 8
static struct { const char *kernel; lnp_task_label label; } cur_ops[LNP_PROFILE_KERNELS];
static int cur_nops = 0;
static uint64_t cur_call = 0;
static uint64_t cur_tag = 0;

void lnp_profile_set_label_fn(lnp_profile_label_fn fn)
{
  label_fn = fn;
  cur_nops = 0;
  cur_call = 0;
  cur_tag = 0;
  lnp_profile_on = fn != NULL;
}

static int same_kernel(const char *a, const char *b)
{
  return a == b || (a && b && !strcmp(a, b));
}

void lnp_profile_begin_op(const char *kernel)
{
  lnp_task_label l = {kernel, 0};
  uint64_t call = 0;
  if (label_fn) label_fn(kernel, &l, &call);
  if (!l.name) l.name = kernel;
  if (call != cur_call || call == 0) cur_nops = 0;
  cur_call = call;
  cur_tag = l.tag;
  int i = 0;
  while (i < cur_nops && !same_kernel(cur_ops[i].kernel, kernel)) i++;
  if (i == LNP_PROFILE_KERNELS) i = LNP_PROFILE_KERNELS - 1;
  else if (i == cur_nops) cur_nops++;
  cur_ops[i].kernel = kernel;
  cur_ops[i].label = l;
}

lnp_task_label lnp_profile_task_label(const char *kernel)
{
  for (int i = 0; i < cur_nops; i++)
    if (same_kernel(cur_ops[i].kernel, kernel)) return cur_ops[i].label;
  lnp_task_label l = {kernel, cur_tag};
  return l;
}

int lnp_profile_tracing(void)
{
  return lnp_runtime_initialized() && starpu_fxt_is_enabled();
}

void lnp_profile_event(const char *s)
{
  if (lnp_runtime_initialized()) starpu_fxt_trace_user_event_string(s);
}
