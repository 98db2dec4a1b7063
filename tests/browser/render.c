/* render.c — renders the browser test's page (browser.starch) with the corpus (corpus.h)
 * into DIR/page.html, and writes the corpus's bytes as hex into DIR/corpus.json for the
 * test to compare the DOM with.
 *
 * usage: browser_render DIR */
#include <stdio.h>

#include "browser.starch.h"
#include "corpus.h"

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) != 0 || n != len;
}

static void write_corpus(starch_out *out)
{
    static const char hex[] = "0123456789abcdef";
    starch_out_puts(out, "{\"values\": [\n");
    for (size_t i = 0; i < CORPUS_N; i++) {
        starch_out_puts(out, "  \"");
        for (const unsigned char *p = (const unsigned char *)corpus[i]; *p; p++) {
            char b[2] = {hex[*p >> 4], hex[*p & 15]};
            starch_out_write(out, b, 2);
        }
        starch_out_puts(out, i + 1 < CORPUS_N ? "\",\n" : "\"\n");
    }
    starch_out_puts(out, "]}\n");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: browser_render DIR\n");
        return 2;
    }
    starch_out page, json;
    starch_out_init(&page);
    starch_out_init(&json);
    browser_Page(&page, corpus, CORPUS_N);
    write_corpus(&json);
    int err = starch_out_error(&page) || starch_out_error(&json) ||
              write_file(argv[1], "page.html", starch_out_data(&page), starch_out_len(&page)) ||
              write_file(argv[1], "corpus.json", starch_out_data(&json), starch_out_len(&json));
    starch_out_free(&page);
    starch_out_free(&json);
    return err;
}
