/* Reading an environment the way pip freeze does, on real files in a temp
 * folder: .pth folders, egg-links, the first distribution of a name wins,
 * --local, direct_url.json, and the git state of editable projects (made
 * with libgit2: no remote, a bad remote, no commit, origin preferred, a
 * project in a subfolder, a folder inside .git). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture.h"
#include "pip/freeze_read.h"
#include "scan/git_info.h"
#include "scan/inspect.h"
#include "pip/site_path.h"

#define SITE "env/lib/python3.12/site-packages"

static void dist(const char *dir, const char *rel_info, const char *name, const char *version)
{
	char rel[1024], text[512];

	snprintf(rel, sizeof(rel), "%s/METADATA", rel_info);
	snprintf(text, sizeof(text), "Metadata-Version: 2.1\nName: %s\nVersion: %s\n\n", name, version);
	fx_write(dir, rel, text, (size_t)-1);
}

/* A git repository at dir/rel with one commit (when `commit`), an origin
 * (when `origin`) and an upstream remote (when `upstream`). */
static void make_repo(const char *dir, const char *rel, const char *origin, bool upstream, bool commit)
{
	char *path = fx_path(dir, rel);
	git_repository *repo;
	git_config *cfg;

	git_libgit2_init();
	assert_int_equal(git_repository_init(&repo, path, 0), 0);
	assert_int_equal(git_repository_config(&cfg, repo), 0);
	if (upstream)
		assert_int_equal(git_config_set_string(cfg, "remote.upstream.url",
						       "https://example.invalid/u.git"),
				 0);
	if (origin)
		assert_int_equal(git_config_set_string(cfg, "remote.origin.url", origin), 0);
	git_config_free(cfg);
	if (commit) {
		git_index *idx;
		git_oid tree_id, commit_id;
		git_tree *tree;
		git_signature *sig;

		fx_write(path, "README", "x\n", (size_t)-1);
		assert_int_equal(git_repository_index(&idx, repo), 0);
		assert_int_equal(git_index_add_bypath(idx, "README"), 0);
		assert_int_equal(git_index_write(idx), 0);
		assert_int_equal(git_index_write_tree(&tree_id, idx), 0);
		assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
		assert_int_equal(git_signature_new(&sig, "t", "t@example.invalid", 0, 0), 0);
		assert_int_equal(git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL, "init",
						     tree, 0),
				 0);
		git_signature_free(sig);
		git_tree_free(tree);
		git_index_free(idx);
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
	free(path);
}

static void test_git_states(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_vcs_info g;
	struct scan_msgs warn = {0};
	char *p, *bare = fx_path(fx->dir, "bare.git");

	fx_mkdirs(fx->dir, "bare.git");
	fx_mkdirs(fx->dir, "plain");
	p = fx_path(fx->dir, "plain");
	scan_git_editable(&g, p, &warn);
	assert_int_equal(g.state, SCAN_VCS_NONE);
	free(p);
	p = fx_path(fx->dir, "missing");
	scan_git_editable(&g, p, &warn);
	assert_int_equal(g.state, SCAN_VCS_NONE);
	free(p);

	/* Only an upstream remote: it is the one. No commit yet. */
	make_repo(fx->dir, "nocommit", NULL, true, false);
	p = fx_path(fx->dir, "nocommit");
	scan_git_editable(&g, p, &warn);
	assert_int_equal(g.state, SCAN_VCS_GIT_NO_COMMIT);
	free(p);

	make_repo(fx->dir, "badremote", "../relative.git", true, true);
	p = fx_path(fx->dir, "badremote");
	scan_git_editable(&g, p, &warn);
	assert_int_equal(g.state, SCAN_VCS_GIT_BAD_REMOTE);
	assert_string_equal(g.url, "../relative.git");
	free(g.url);
	free(p);

	/* origin (an existing path) wins over upstream; the project is two
	 * folders down and the location deeper still. */
	make_repo(fx->dir, "repo", bare, true, true);
	fx_write(fx->dir, "repo/sub/proj/pyproject.toml", "[project]\nname='p'\n", (size_t)-1);
	fx_mkdirs(fx->dir, "repo/sub/proj/src/pkg");
	p = fx_path(fx->dir, "repo/sub/proj/src/pkg");
	scan_git_editable(&g, p, &warn);
	assert_int_equal(g.state, SCAN_VCS_GIT);
	assert_int_equal(strncmp(g.url, "file:///", 8), 0);
	assert_non_null(strstr(g.url, "/bare.git"));
	assert_int_equal(strlen(g.commit), 40);
	assert_string_equal(g.subdir, "sub/proj");
	free(g.url);
	free(g.commit);
	free(g.subdir);
	free(p);
	/* At the repository root with a setup.py: no subdirectory. */
	fx_write(fx->dir, "repo/setup.py", "", (size_t)-1);
	p = fx_path(fx->dir, "repo");
	scan_git_editable(&g, p, &warn);
	assert_int_equal(g.state, SCAN_VCS_GIT);
	assert_null(g.subdir);
	free(g.url);
	free(g.commit);
	free(p);
	/* Inside .git is not a work tree. */
	p = fx_path(fx->dir, "repo/.git");
	scan_git_editable(&g, p, &warn);
	assert_int_equal(g.state, SCAN_VCS_NONE);
	free(p);
	assert_int_equal(warn.n, 0);
	free(bare);
}

static void test_no_remote(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_vcs_info g;
	git_repository *repo;
	char *p = fx_path(fx->dir, "r");

	git_libgit2_init();
	assert_int_equal(git_repository_init(&repo, p, 0), 0);
	git_repository_free(repo);
	git_libgit2_shutdown();
	scan_git_editable(&g, p, NULL);
	assert_int_equal(g.state, SCAN_VCS_GIT_NO_REMOTE);
	free(p);
}

static void test_pth_paths(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_path_list l = {0};
	char *site = fx_path(fx->dir, "site"), *want;

	fx_mkdirs(fx->dir, "site");
	fx_mkdirs(fx->dir, "a");
	fx_mkdirs(fx->dir, "site/rel");
	fx_write(fx->dir, "site/b.pth", "# comment\n\nimport sys; sys.x = 1\n../a\n/nonexistent\n",
		 (size_t)-1);
	fx_write(fx->dir, "site/a.pth", "rel   \r\n../a\n", (size_t)-1);
	fx_write(fx->dir, "site/.hidden.pth", "/\n", (size_t)-1);
	fx_write(fx->dir, "site/c.pth.txt", "/\n", (size_t)-1);
	scan_path_add_site(&l, site);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], site);
	want = fx_path(site, "rel");
	assert_string_equal(l.v[1], want); /* a.pth first: sorted */
	free(want);
	want = fx_path(fx->dir, "a");
	assert_string_equal(l.v[2], want);
	free(want);
	scan_path_list_clear(&l);
	free(site);
}

static struct venv *open_env(const char *dir)
{
	char *env = fx_path(dir, "env");
	int fd = open(env, O_RDONLY | O_DIRECTORY);
	struct venv *v;

	assert_true(fd >= 0);
	v = scan_inspect_env(fd, env, NULL, SCAN_PARENT_UNKNOWN);
	close(fd);
	free(env);
	return v;
}

static char *freeze(const struct venv *v, bool local, bool all, struct scan_msgs *warn)
{
	struct scan_freeze_opts o = {local, all, false};
	struct vs_err err = {0};
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(scan_freeze_env(&out, &len, v, &o, warn, &err), 0);
	assert_int_equal(len, strlen(out));
	return out;
}

static void test_env(void **state)
{
	struct fx_dir *fx = *state;
	struct scan_msgs warn = {0};
	struct venv *v;
	char text[4096], *out, *proj = fx_path(fx->dir, "proj"),
			       *outside = fx_path(fx->dir, "outside");
	char *repo = fx_path(fx->dir, "edrepo");

	fx_write(fx->dir, "env/pyvenv.cfg",
		 "home = /nonexistent/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n",
		 (size_t)-1);
	dist(fx->dir, SITE "/pip-23.2.1.dist-info", "pip", "23.2.1");
	dist(fx->dir, SITE "/setuptools-70.0.dist-info", "setuptools", "70.0");
	dist(fx->dir, SITE "/Foo_Bar-1.0.dist-info", "Foo_Bar", "1.0");
	dist(fx->dir, "outside/foo_bar-9.9.dist-info", "foo-bar", "9.9");
	dist(fx->dir, "outside/Only_Outside-1.0.dist-info", "Only_Outside", "1.0");
	snprintf(text, sizeof(text), "# c\n\nimport os\n../../../../outside\n/nonexistent\n");
	fx_write(fx->dir, SITE "/extra.pth", text, (size_t)-1);
	/* A legacy editable: egg-link plus easy-install.pth. */
	fx_write(fx->dir, "proj/setup.py", "", (size_t)-1);
	fx_write(fx->dir, "proj/Legacy.egg-info/PKG-INFO",
		 "Metadata-Version: 1.1\nName: Legacy\nVersion: 0.1\n", (size_t)-1);
	snprintf(text, sizeof(text), "%s\n.", proj);
	fx_write(fx->dir, SITE "/Legacy.egg-link", text, (size_t)-1);
	snprintf(text, sizeof(text), "%s\n", proj);
	fx_write(fx->dir, SITE "/easy-install.pth", text, (size_t)-1);
	/* A PEP 660 editable in a git repository without a remote. */
	make_repo(fx->dir, "edrepo", NULL, false, true);
	fx_write(fx->dir, "edrepo/pyproject.toml", "", (size_t)-1);
	dist(fx->dir, SITE "/ed-1.0.dist-info", "ed", "1.0");
	snprintf(text, sizeof(text), "{\"url\": \"file://%s\", \"dir_info\": {\"editable\": true}}",
		 repo);
	fx_write(fx->dir, SITE "/ed-1.0.dist-info/direct_url.json", text, (size_t)-1);
	/* A malformed direct_url.json: a warning and a plain line. */
	dist(fx->dir, SITE "/baddu-2.0.dist-info", "baddu", "2.0");
	fx_write(fx->dir, SITE "/baddu-2.0.dist-info/direct_url.json", "[1]", (size_t)-1);

	v = open_env(fx->dir);
	out = freeze(v, false, false, &warn);
	snprintf(text, sizeof(text),
		 "baddu==2.0\n"
		 "# Editable Git install with no remote (ed==1.0)\n-e %s\n"
		 "Foo_Bar==1.0\n"
		 "# Editable install with no version control (Legacy==0.1)\n-e %s\n"
		 "Only_Outside==1.0\n"
		 "setuptools==70.0\n",
		 repo, proj);
	assert_string_equal(out, text);
	free(out);
	assert_int_equal(warn.n, 1);
	assert_non_null(strstr(warn.v[0], "direct_url.json"));
	scan_msgs_clear(&warn);

	/* --local: the folder a .pth adds is outside the env. */
	out = freeze(v, true, false, NULL);
	assert_null(strstr(out, "Only_Outside"));
	assert_non_null(strstr(out, "Foo_Bar==1.0"));
	free(out);
	/* --all shows pip; the rules are pip 23.2's on Python 3.12. */
	out = freeze(v, false, true, NULL);
	assert_non_null(strstr(out, "pip==23.2.1\n"));
	free(out);
	venv_free(v);

	/* Python 3.11 hides setuptools; without pip the newest rules hold. */
	fx_write(fx->dir, "env/pyvenv.cfg",
		 "home = /nonexistent/bin\ninclude-system-site-packages = false\nversion = 3.11.4\n",
		 (size_t)-1);
	fx_mkdirs(fx->dir, "env/lib/python3.11");
	{
		char *from = fx_path(fx->dir, SITE),
		     *to = fx_path(fx->dir, "env/lib/python3.11/site-packages");

		assert_int_equal(rename(from, to), 0);
		free(from);
		free(to);
	}
	v = open_env(fx->dir);
	out = freeze(v, false, false, NULL);
	assert_null(strstr(out, "setuptools"));
	assert_non_null(strstr(out, "Foo_Bar==1.0"));
	free(out);
	venv_free(v);
	free(proj);
	free(outside);
	free(repo);
}

/* Appends "line\n", or for an editable `name` (1.0) found in folder `ed`,
 * pip's comment and "-e" line. */
static void add_line(char *buf, size_t size, const char *line, const char *ed)
{
	size_t n = strlen(buf);

	if (ed)
		snprintf(buf + n, size - n,
			 "# Editable install with no version control (%s==1.0)\n-e %s\n", line, ed);
	else
		snprintf(buf + n, size - n, "%s\n", line);
}

/* .egg-link lookups, answered from the folder listings where a name is
 * certainly missing: one that exists is found (a file, a symlink to one,
 * under pip's safe name or the raw name, in a folder a .pth adds), a
 * dangling symlink or a folder is not (os.path.isfile), and a name only
 * there in another case is found exactly when stat finds it. The same on
 * Python 3.12 (importlib) and 3.10 (pkg_resources, whose --local asks
 * where the egg-link resolves to). */
static void test_egg_links(void **state)
{
	struct fx_dir *fx = *state;
	char want[4096], *out, *site, *other;
	struct venv *v;
	struct stat st;

	fx_write(fx->dir, "env/pyvenv.cfg",
		 "home = /nonexistent/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n",
		 (size_t)-1);
	dist(fx->dir, SITE "/Plain-1.0.dist-info", "Plain", "1.0");
	fx_write(fx->dir, SITE "/Plain.egg-link", "", (size_t)-1);
	dist(fx->dir, SITE "/Safe_Name-1.0.dist-info", "Safe_Name", "1.0");
	fx_write(fx->dir, SITE "/Safe-Name.egg-link", "", (size_t)-1);
	dist(fx->dir, SITE "/Raw_Name-1.0.dist-info", "Raw_Name", "1.0");
	fx_write(fx->dir, SITE "/Raw_Name.egg-link", "", (size_t)-1);
	dist(fx->dir, SITE "/Via_Link-1.0.dist-info", "Via_Link", "1.0");
	fx_write(fx->dir, "links/real.egg-link", "", (size_t)-1);
	fx_symlink("../../../../links/real.egg-link", fx->dir, SITE "/Via_Link.egg-link");
	dist(fx->dir, SITE "/Dangling-1.0.dist-info", "Dangling", "1.0");
	fx_symlink("nowhere.egg-link", fx->dir, SITE "/Dangling.egg-link");
	dist(fx->dir, SITE "/Folder-1.0.dist-info", "Folder", "1.0");
	fx_mkdirs(fx->dir, SITE "/Folder.egg-link");
	dist(fx->dir, SITE "/Other_Case-1.0.dist-info", "Other_Case", "1.0");
	fx_write(fx->dir, SITE "/other-case.egg-link", "", (size_t)-1);
	dist(fx->dir, SITE "/Far-1.0.dist-info", "Far", "1.0");
	fx_write(fx->dir, "far/Far.egg-link", "", (size_t)-1);
	fx_write(fx->dir, SITE "/far.pth", "../../../../far\n", (size_t)-1);

	for (int round = 0; round < 2; round++) {
		/* What pip's os.path.isfile() says on this filesystem. */
		site = fx_path(fx->dir, round == 0 ? SITE : "env/lib/python3.10/site-packages");
		other = fx_path(site, "Other-Case.egg-link");
		v = open_env(fx->dir);
		want[0] = '\0';
		add_line(want, sizeof(want), "Dangling==1.0", NULL);
		add_line(want, sizeof(want), "Far", site);
		add_line(want, sizeof(want), "Folder==1.0", NULL);
		add_line(want, sizeof(want), stat(other, &st) == 0 ? "Other_Case" : "Other_Case==1.0",
			 stat(other, &st) == 0 ? site : NULL);
		add_line(want, sizeof(want), "Plain", site);
		add_line(want, sizeof(want), "Raw_Name", site);
		add_line(want, sizeof(want), "Safe_Name", site);
		/* pkg_resources' --local looks where the egg-link resolves to. */
		if (round == 1) {
			out = freeze(v, true, false, NULL);
			assert_string_equal(out, want);
			free(out);
		}
		add_line(want, sizeof(want), "Via_Link", site);
		out = freeze(v, false, false, NULL);
		assert_string_equal(out, want);
		free(out);
		if (round == 0) {
			out = freeze(v, true, false, NULL);
			assert_string_equal(out, want);
			free(out);
		}
		venv_free(v);
		free(other);
		free(site);
		if (round == 0) {
			char *from = fx_path(fx->dir, SITE);
			char *to = fx_path(fx->dir, "env/lib/python3.10/site-packages");

			fx_write(fx->dir, "env/pyvenv.cfg",
				 "home = /nonexistent/bin\ninclude-system-site-packages = false\n"
				 "version = 3.10.4\n",
				 (size_t)-1);
			fx_mkdirs(fx->dir, "env/lib/python3.10");
			assert_int_equal(rename(from, to), 0);
			free(from);
			free(to);
		}
	}
}

static void test_read_file(void **state)
{
	struct fx_dir *fx = *state;
	struct vs_err err = {0};
	char *p = fx_path(fx->dir, "r.txt"), *d = fx_path(fx->dir, "d"),
	     *l = fx_path(fx->dir, "l.txt");
	char *out;
	size_t len;

	assert_int_equal(scan_freeze_read_file(&out, &len, p, &err), 0);
	assert_null(out);
	fx_write(fx->dir, "r.txt", "a==1\n", (size_t)-1);
	assert_int_equal(scan_freeze_read_file(&out, &len, p, &err), 0);
	assert_int_equal(len, 5);
	assert_string_equal(out, "a==1\n");
	free(out);
	fx_mkdirs(fx->dir, "d");
	assert_int_equal(scan_freeze_read_file(&out, &len, d, &err), VS_EFAIL);
	fx_symlink("r.txt", fx->dir, "l.txt");
	assert_int_equal(scan_freeze_read_file(&out, &len, l, &err), VS_EFAIL);
	assert_non_null(strstr(err.msg, "symbolic link"));
	free(p);
	free(d);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_git_states, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_no_remote, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_pth_paths, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_env, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_egg_links, fx_setup_dir, fx_teardown_dir),
		cmocka_unit_test_setup_teardown(test_read_file, fx_setup_dir, fx_teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
