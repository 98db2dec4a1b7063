#include <math.h>
#include <stdio.h>

#include "ctx_js.starch.h"
#include "values.h"

int main(void)
{
    static const int ints[] = {-7, 0, 42};
    static const double doubles[] = {0.5, -1e21, NAN};
    starch_out out;
    starch_out_init(&out);
    for (size_t i = 0; i < GOLDEN_N_VALUES; i++)
        ctx_js_Js(&out, golden_values[i], ints[i % 3], doubles[i % 3]);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
