/* Task labels for traces: see profile.h. */
#include <string.h>
#include <starpu.h>
#include "lnp.h"
#include "profile.h"

int lnp_profile_on = 0;
static lnp_profile_label_fn label_fn = NULL;
/* the current operation: its kernel and its label */
static const char *cur_kernel = NULL;
static lnp_task_label cur_label = {NULL, 0};

void lnp_profile_set_label_fn(lnp_profile_label_fn fn)
{
  label_fn = fn;
  cur_kernel = NULL;
  cur_label.name = NULL;
  cur_label.tag = 0;
  lnp_profile_on = fn != NULL;
}

void lnp_profile_begin_op(const char *kernel)
{
  lnp_task_label l = {kernel, 0};
  if (label_fn) label_fn(kernel, &l);
  if (!l.name) l.name = kernel;
  cur_kernel = kernel;
  cur_label = l;
}

lnp_task_label lnp_profile_task_label(const char *kernel)
{
  lnp_task_label l = {kernel, cur_label.tag};
  if (cur_kernel && kernel && (cur_kernel == kernel || !strcmp(cur_kernel, kernel))) l.name = cur_label.name;
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
