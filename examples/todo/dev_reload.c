/* dev_reload.c — the page reloads itself when the app was rebuilt (`make dev` only).
 *
 *   save a file ──scripts/dev──▶ ninja ──▶ the app restarts ──▶ GET /__dev/reload
 *        ──{"_devBuild": NEW}──▶ the page's reloader ──NEW differs──▶ location.reload()
 *
 * The build id is the modification time, to the nanosecond, of the executable that runs
 * (/proc/self/exe): every link writes a new file, so every rebuild has a new id, while a
 * restart of the same binary keeps it (the page has nothing new to show). The page
 * carries the id of the build that rendered it; the stream sends the id of the build that
 * answers. The stream then stays open, so that when the app stops the page's Datastar
 * client sees the connection break, retries every RETRY_MS until the new app answers, and
 * is sent the new id.
 *
 * Compiled only with `meson setup -Ddev=true` (dev_reload.h): a release build has none of
 * this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <starch_mhd.h>

#include "dev_reload.h"

#define RELOAD_URL   "/__dev/reload"
#define RELOAD_TOPIC "__dev" /* nothing is published on it: the hub only closes it */
#define RETRY_MS     "200"   /* the page's reconnection delay while the app restarts */
#define KEEPALIVE_MS 15000   /* an idle stream gets a comment this often */

/* Writes the build id (the running executable's mtime, "SECONDS.NANOSECONDS") to id. */
static void build_id(char *id, size_t size)
{
    struct stat st;
    if (stat("/proc/self/exe", &st) != 0)
        memset(&st, 0, sizeof st); /* no /proc: every build looks the same, nothing reloads */
    snprintf(id, size, "%lld.%09ld", (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
}

/* ---- The page's reloader -------------------------------------------------------------- */

/* The reloader element; each %s is the page's build id (digits and a dot: nothing to
 * escape). A hidden element whose Datastar attributes do the work: data-signals holds the
 * id, data-init opens the stream (retrying for ever), data-effect reloads on a new id. */
static const char reloader[] =
    "<div id=\"starch-dev-reload\" hidden data-signals=\"{_devBuild: '%s'}\"\n"
    "     data-init=\"@get('" RELOAD_URL "', {retry: 'always', retryInterval: " RETRY_MS
    ", retryScaler: 1, retryMaxCount: 1000000000})\"\n"
    "     data-effect=\"$_devBuild !== '%s' && window.location.reload()\"></div>\n";

/* The offset of the last "</body>" in data[0..len), or len when there is none. */
static size_t body_end(const char *data, size_t len)
{
    static const char tag[] = "</body>";
    for (size_t at = len; at >= sizeof tag - 1; at--)
        if (memcmp(data + at - (sizeof tag - 1), tag, sizeof tag - 1) == 0)
            return at - (sizeof tag - 1);
    return len;
}

void todo_dev_page(starch_out *html)
{
    size_t len = starch_out_len(html);
    char *page = malloc(len ? len : 1);
    if (page == NULL || starch_out_error(html)) {
        free(page);
        return; /* the page goes out as it is (or as the error it is) */
    }
    memcpy(page, starch_out_data(html), len);
    size_t at = body_end(page, len);
    char id[48];
    build_id(id, sizeof id);
    starch_out_clear(html);
    starch_out_write(html, page, at);
    starch_out_printf(html, reloader, id, id);
    starch_out_write(html, page + at, len - at);
    free(page);
}

/* ---- GET /__dev/reload ---------------------------------------------------------------- */

/* One page's stream: the build id event, then nothing but keep-alives until the hub
 * closes (the server stops) or the page leaves. */
typedef struct Reload {
    starch_client *client; /* subscribed to RELOAD_TOPIC, to be woken by the hub's close */
    starch_out first;      /* the event with the build id */
    size_t sent;           /* bytes of first already sent */
} Reload;

/* libmicrohttpd's content reader, on the connection's own thread. */
static ssize_t reload_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    Reload *r = cls;
    (void)pos;
    size_t left = starch_out_len(&r->first) - r->sent;
    if (left > 0) {
        size_t n = left < max ? left : max;
        memcpy(buf, starch_out_data(&r->first) + r->sent, n);
        r->sent += n;
        return (ssize_t)n;
    }
    size_t n;
    int rc = starch_client_read(r->client, buf, max, &n, KEEPALIVE_MS);
    if (rc == STARCH_OK)
        return (ssize_t)n; /* never happens: nothing is published on the topic */
    static const char ping[] = ": keep-alive\n\n";
    if (rc != STARCH_ETIMEOUT || max < sizeof ping - 1)
        return MHD_CONTENT_READER_END_WITH_ERROR; /* broken, not ended: the page retries */
    memcpy(buf, ping, sizeof ping - 1);
    return (ssize_t)(sizeof ping - 1);
}

static void reload_free(void *cls)
{
    Reload *r = cls;
    starch_client_close(r->client);
    starch_out_free(&r->first);
    free(r);
}

/* Queues the stream's response: the SSE headers (but Connection, which libmicrohttpd
 * manages), its body read by reload_read. Takes r. */
static enum MHD_Result reload_respond(struct MHD_Connection *c, const char *version, Reload *r)
{
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, reload_read, r, reload_free);
    if (resp == NULL) {
        reload_free(r);
        return MHD_NO;
    }
    starch_header h[3];
    size_t n = starch_sse_headers(version, h);
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, "Connection") != 0)
            ok = ok && MHD_add_response_header(resp, h[i].name, h[i].value) == MHD_YES;
    enum MHD_Result queued = ok ? MHD_queue_response(c, MHD_HTTP_OK, resp) : MHD_NO;
    MHD_destroy_response(resp); /* queued: libmicrohttpd holds it; else this frees r */
    return queued;
}

/* GET /__dev/reload: the build id, as {"_devBuild": "ID"}. */
static enum MHD_Result reload_stream(App *app, struct MHD_Connection *c, const char *version)
{
    Reload *r = calloc(1, sizeof *r);
    if (r == NULL)
        return MHD_NO;
    starch_out_init(&r->first);
    r->client = starch_hub_connect(app->hub);
    char id[48], json[80];
    build_id(id, sizeof id);
    int n = snprintf(json, sizeof json, "{\"_devBuild\":\"%s\"}", id);
    if (r->client == NULL || starch_client_subscribe(r->client, RELOAD_TOPIC) != STARCH_OK ||
        starch_sse_patch_signals(&r->first, json, (size_t)n, NULL, NULL) != STARCH_OK) {
        reload_free(r);
        return MHD_NO;
    }
    return reload_respond(c, version, r);
}

bool todo_dev_route(App *app, struct MHD_Connection *c, const char *method, const char *url,
                    const char *version, enum MHD_Result *answer)
{
    if (strcmp(url, RELOAD_URL) != 0)
        return false;
    if (strcmp(method, "GET") == 0) {
        *answer = reload_stream(app, c, version);
        return true;
    }
    static const char only_get[] = "GET only\n";
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        sizeof only_get - 1, (void *)only_get, MHD_RESPMEM_PERSISTENT);
    if (resp == NULL) {
        *answer = MHD_NO;
        return true;
    }
    MHD_add_response_header(resp, "Allow", "GET");
    *answer = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
    MHD_destroy_response(resp);
    return true;
}
