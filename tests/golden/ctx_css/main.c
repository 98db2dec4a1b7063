#include <math.h>
#include <stdio.h>

#include "ctx_css.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    ctx_css_Css(&out, -3, 0.5, 7);
    ctx_css_Css(&out, 12, -1e21, 0);
    ctx_css_Css(&out, 0, NAN, 4294967295u);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
