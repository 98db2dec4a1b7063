#include <stdio.h>

#include "basic.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    basic_Hello(&out, "<World & \"friends\">");
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    starch_out_free(&out);
    return starch_out_error(&out);
}
