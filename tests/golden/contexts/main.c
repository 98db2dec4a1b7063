#include <stdio.h>

#include "contexts.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    contexts_All(&out, "javascript:alert('x')\"<b>&</b>$a@post(`1`)\u2028\\", -7, 0.5);
    contexts_All(&out, "https://ok.example/a b?c=d&e#f", 42, -1e21);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
