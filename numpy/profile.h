/* Task labels for traces (bin/legate --profile; docs/design.md, "Profiling").
 *
 * While a trace is recorded the Python layer installs a label function.  At
 * the start of each operation the launcher asks it for the operation's label:
 * the NumPy function the user called ("sum", "matmul", "setitem", ...) and a
 * site id (Python source line and profile_region, whose table the Python
 * layer writes into the trace as program events).  lnp_submit_direct then
 * names the operation's tasks after it and gives them the site id as their
 * tag (FxT records it: tasks.rec "Tag", paje "Tag").  Tasks of another kernel that an
 * operation causes (the zero fill of a never-written tile) keep their
 * kernel's name but get the operation's site.
 * Without a trace nothing is called: lnp_profile_on is 0, a task's name is
 * its kernel's name and its tag 0. */
#ifndef LNP_PROFILE_H
#define LNP_PROFILE_H
#include <stdint.h>

typedef struct lnp_task_label {
  const char *name; /* STARPU_NAME: must live as long as the runtime */
  uint64_t tag;     /* STARPU_TAG_ONLY: the site id, 0 = none */
} lnp_task_label;

/* Fills *label, which holds the kernel's name and tag 0 on entry, and
 * *call: the same number for every operation of one Python-level call (an
 * operation may launch another inside it, e.g. a halo copy under MPI; the
 * outer one's tasks keep their label). */
typedef void (*lnp_profile_label_fn)(const char *kernel, lnp_task_label *label, uint64_t *call);

/* nonzero while a label function is installed */
extern int lnp_profile_on;

/* Install (or, with NULL, remove) the label function. */
void lnp_profile_set_label_fn(lnp_profile_label_fn fn);

/* An operation whose tasks run `kernel` starts: ask for its label. */
void lnp_profile_begin_op(const char *kernel);

/* The label of a task running `kernel`, inside the current operation. */
lnp_task_label lnp_profile_task_label(const char *kernel);

/* Whether StarPU records an FxT trace in this process (runtime started). */
int lnp_profile_tracing(void);

/* A string event in the trace (paje "prog_event", trace.rec "ProgEvent"). */
void lnp_profile_event(const char *s);

/* For launchers:  LNP_PROFILE_BEGIN_OP("add");
 * for the submission:  lnp_task_label lab = LNP_TASK_LABEL(name);
 *   starpu_task_insert(..., STARPU_NAME, lab.name, STARPU_TAG_ONLY, (starpu_tag_t)lab.tag, ...) */
#define LNP_PROFILE_BEGIN_OP(kernel) \
  do { if (lnp_profile_on) lnp_profile_begin_op(kernel); } while (0)
#define LNP_TASK_LABEL(kernel) \
  (lnp_profile_on ? lnp_profile_task_label(kernel) : (lnp_task_label){(kernel), 0})

#endif
