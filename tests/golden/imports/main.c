#include <stdio.h>

#include "imports.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    imports_Home(&out);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
