#include <stdio.h>

#include "ctx_url.starch.h"
#include "values.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    for (size_t i = 0; i < GOLDEN_N_VALUES; i++)
        ctx_url_Url(&out, golden_values[i]);
    ctx_url_Joined(&out, "javascript:alert(1)", true);
    ctx_url_Joined(&out, "/a b", true);
    ctx_url_Joined(&out, "/a b", false);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
