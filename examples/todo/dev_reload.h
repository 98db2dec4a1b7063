/* dev_reload.h — the development reloader of the todo app (dev_reload.c).
 *
 * Only a build configured with `meson setup -Ddev=true` (scripts/dev, `make dev`) compiles
 * dev_reload.c and defines STARCH_DEV; in every other build the two hooks below are empty
 * inline functions, so a release binary has neither the route nor the reloader (not even
 * their strings). routes.c calls each hook once and knows nothing more about them.
 */
#ifndef TODO_DEV_RELOAD_H
#define TODO_DEV_RELOAD_H

#include "app.h"

#ifdef STARCH_DEV

/* Answers GET /__dev/reload, an SSE stream that sends the build id (one Datastar
 * patch-signals event, {"_devBuild": ID}) and then stays open until the server stops or
 * the browser leaves. Returns true and sets *answer when url is that route (any other
 * method: 405), false for every other url. */
bool todo_dev_route(App *app, struct MHD_Connection *c, const char *method, const char *url,
                    const char *version, enum MHD_Result *answer);

/* Adds the reloader to the rendered page html (before its last </body>): an element that
 * listens to /__dev/reload through the page's Datastar client and reloads the page when
 * the build id it is sent differs from the id of the build that rendered the page. */
void todo_dev_page(starch_out *html);

#else

static inline bool todo_dev_route(App *app, struct MHD_Connection *c, const char *method,
                                  const char *url, const char *version, enum MHD_Result *answer)
{
    (void)app, (void)c, (void)method, (void)url, (void)version, (void)answer;
    return false;
}

static inline void todo_dev_page(starch_out *html)
{
    (void)html;
}

#endif

#endif
