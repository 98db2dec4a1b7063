#include <stdio.h>

#include "markdown.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    markdown_Doc(&out, "**bold** <script>alert(1)</script> [x](javascript:alert(1))");
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
