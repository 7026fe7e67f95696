/* The engine's state as runtime.c sets it at start and stop (engine_state.c).
 * The readers are in lnp.h (lnp_runtime_initialized, lnp_runtime_test_mode,
 * the in-flight count); only runtime.c writes. */
#ifndef LNP_ENGINE_STATE_H
#define LNP_ENGINE_STATE_H

/* The runtime is started (1) or stopped (0). */
void lnp_engine_set_initialized(int on);
/* Test mode (tiny tiles, SPMD check on): lnp_config's test_mode. */
void lnp_engine_set_test_mode(int on);
/* Whether the last task to finish pauses the workers (engine_state.c). */
void lnp_engine_set_idle_pause(int on);
int lnp_engine_idle_pause(void);
/* The shutdown has begun (1): the bindings accept no new operation. */
void lnp_engine_set_stopping(int on);
/* After the start: a child of fork() reads the runtime as stopped and
 * forked (pthread_atfork; engine_state.c). */
void lnp_engine_watch_fork(void);
/* Called by lnp_block_begin before every blocking wait (rank_exit.c under
 * MPI), NULL: none. */
void lnp_engine_set_block_check(void (*check)(void));
/* Threads inside a blocking wait now (lnp_block_begin .. end). */
int lnp_engine_blocked(void);

#endif
