#include <stdio.h>

#include "datastar.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    datastar_Panel(&out, 3, "it's \"$x\" @get('/')", "javascript:alert(1)");
    datastar_Panel(&out, -1, "a&b", "/items?page=2");
    /* a component rendered straight into a patch-elements event */
    starch_sse_stream st;
    datastar_Item(starch_sse_elements_begin(
                      &st, &out, &(starch_sse_opts){.selector = "#list", .mode = "append"}),
                  7, "Milk & <honey>");
    int rc = starch_sse_elements_end(&st, NULL);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err ? err : rc;
}
