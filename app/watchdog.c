/*
 * watchdog.c -- a worker whose event loop the sandbox killed ends whole,
 * so that Kore replaces it.
 *
 * Kore's seccomp filter kills the offending thread, not the process
 * (SECCOMP_RET_KILL is SECCOMP_RET_KILL_THREAD). When the event loop
 * makes a denied call while the worker's task thread (Argon2id) lives,
 * the process lingers with a dead main thread: Kore is never told, never
 * restarts it, and if it held the accept lock no worker accepts again.
 * Measured: one denied call in a worker that had hashed a password, and
 * 8 of 8 later requests to the server went unanswered. A thread of ours
 * waits for the main thread's end and then ends the process with the
 * signal the sandbox would have used.
 */

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <kore/kore.h>

#include "app.h"

#define WATCHDOG_STACK		(64 * 1024)

static void	*watchdog_run(void *);

static pthread_t	 main_thread;

/*
 * Kore calls this in every worker, after the privilege drop and the
 * sandbox: the thread needs nothing the filter does not allow.
 */
void
kore_worker_configure(void)
{
	pthread_attr_t	 attr;
	pthread_t	 tid;
	sigset_t	 all, old;

	main_thread = pthread_self();
	/* Signals are the event loop's: the new thread takes none. */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setstacksize(&attr, WATCHDOG_STACK) != 0 ||
	    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) != 0 ||
	    pthread_create(&tid, &attr, watchdog_run, NULL) != 0)
		kore_log(LOG_ERR, "no watchdog thread in this worker");
	(void)pthread_attr_destroy(&attr);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * The kernel wakes a join when the thread's tid is cleared, however the
 * thread ended. A worker that exits normally ends this thread with it.
 */
static void *
watchdog_run(void *arg)
{
	sigset_t	sys;

	(void)arg;
	(void)pthread_join(main_thread, NULL);
	(void)sigemptyset(&sys);
	(void)sigaddset(&sys, SIGSYS);
	(void)signal(SIGSYS, SIG_DFL);
	(void)pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	(void)raise(SIGSYS);
	_exit(1);
}
