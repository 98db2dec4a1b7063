#include <stdio.h>

#include "whitespace.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    whitespace_Lines(&out, true);
    whitespace_Lines(&out, false);
    whitespace_Last(&out);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
