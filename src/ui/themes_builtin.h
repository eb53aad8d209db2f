/* The theme files of themes/, built into the binary so an installed or
 * moved venvscope always has them (generated at build time from themes/ by
 * scripts/embed-themes.sh into the build folder). */
#ifndef VS_UI_THEMES_BUILTIN_H
#define VS_UI_THEMES_BUILTIN_H

extern const char *const ui_builtin_theme_names[]; /* NULL-terminated, "default" first */
extern const char *const ui_builtin_theme_texts[];

#endif
