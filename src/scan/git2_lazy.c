/* libgit2, loaded the first time a git function is called.
 *
 * libgit2 pulls in a dozen libraries (TLS, SSH, Kerberos...) whose loading
 * costs ~2.5 ms at every start: more than a whole native freeze. The binary
 * is not linked with it; these definitions of the functions venvscope uses
 * dlopen() it (by the soname it was built against) on first use and call
 * through. Every symbol is resolved at once under pthread_once, so threads
 * never race. A missing libgit2 ends the program with a message. */
#include <dlfcn.h>
#include <git2.h>
#include <pthread.h>

#include "../util/xalloc.h"

#ifndef VS_GIT2_SONAME
#define VS_GIT2_SONAME "libgit2.so"
#endif

/* X(return type, name, (parameters), (arguments)) */
#define GIT2_FUNCS(X)                                                                                  \
	X(void, git_buf_dispose, (git_buf * b), (b), )                                                 \
	X(void, git_config_free, (git_config * c), (c), )                                              \
	X(int, git_config_get_bool, (int *o, const git_config *c, const char *n), (o, c, n), return )  \
	X(int, git_config_get_path, (git_buf * o, const git_config *c, const char *n), (o, c, n),      \
	  return )                                                                                     \
	X(void, git_config_iterator_free, (git_config_iterator * i), (i), )                            \
	X(int, git_config_iterator_new, (git_config_iterator * *o, const git_config *c), (o, c),       \
	  return )                                                                                     \
	X(int, git_config_next, (git_config_entry * *e, git_config_iterator * i), (e, i), return )     \
	X(void, git_error_clear, (void), (), )                                                         \
	X(const git_error *, git_error_last, (void), (), return )                                      \
	X(int, git_index_entry_stage, (const git_index_entry *e), (e), return )                        \
	X(int, git_index_find_prefix, (size_t * at, git_index * ix, const char *p), (at, ix, p),       \
	  return )                                                                                     \
	X(void, git_index_free, (git_index * ix), (ix), )                                              \
	X(const git_index_entry *, git_index_get_byindex, (git_index * ix, size_t n), (ix, n),         \
	  return )                                                                                     \
	X(int, git_index_read, (git_index * ix, int force), (ix, force), return )                      \
	X(int, git_index_remove, (git_index * ix, const char *p, int stage), (ix, p, stage), return )  \
	X(int, git_index_write, (git_index * ix), (ix), return )                                       \
	X(int, git_libgit2_init, (void), (), return )                                                  \
	X(int, git_libgit2_shutdown, (void), (), return )                                              \
	X(char *, git_oid_tostr, (char *o, size_t n, const git_oid *id), (o, n, id), return )          \
	X(int, git_reference_name_to_id, (git_oid * o, git_repository * r, const char *n), (o, r, n),  \
	  return )                                                                                     \
	X(const char *, git_repository_commondir, (const git_repository *r), (r), return )             \
	X(int, git_repository_config_snapshot, (git_config * *o, git_repository * r), (o, r), return ) \
	X(int, git_repository_discover, (git_buf * o, const char *p, int x, const char *c),            \
	  (o, p, x, c), return )                                                                       \
	X(void, git_repository_free, (git_repository * r), (r), )                                      \
	X(int, git_repository_index, (git_index * *o, git_repository * r), (o, r), return )            \
	X(int, git_repository_is_bare, (const git_repository *r), (r), return )                        \
	X(int, git_repository_open, (git_repository * *o, const char *p), (o, p), return )             \
	X(int, git_repository_open_ext,                                                                \
	  (git_repository * *o, const char *p, unsigned int f, const char *c), (o, p, f, c), return )  \
	X(const char *, git_repository_path, (const git_repository *r), (r), return )                  \
	X(const char *, git_repository_workdir, (const git_repository *r), (r), return )

static struct {
#define GIT2_FIELD(ret, name, params, args, r) ret(*name) params;
	GIT2_FUNCS(GIT2_FIELD)
#undef GIT2_FIELD
} real;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *resolve(void *lib, const char *name)
{
	void *p = lib ? dlsym(lib, name) : NULL;

	if (!p)
		vs_die("libgit2 (%s) cannot be used: %s", VS_GIT2_SONAME, lib ? name : dlerror());
	return p;
}

static void load(void)
{
	void *lib = dlopen(VS_GIT2_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		lib = dlopen("libgit2.so", RTLD_NOW | RTLD_LOCAL);
		/* POSIX's way to turn dlsym's object pointer into a function pointer. */
#define GIT2_LOAD(ret, name, params, args, r) *(void **)(&real.name) = resolve(lib, #name);
	GIT2_FUNCS(GIT2_LOAD)
#undef GIT2_LOAD
}

#define GIT2_DEFINE(ret, name, params, args, r) \
	ret name params                         \
	{                                       \
		pthread_once(&once, load);      \
		r real.name args;               \
	}
GIT2_FUNCS(GIT2_DEFINE)
#undef GIT2_DEFINE
