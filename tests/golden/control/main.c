#include <stdio.h>

#include "control.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    int scores[] = {95, 85, 75, 10};
    for (int i = 0; i < 4; i++)
        control_Grade(&out, scores[i]);
    Row rows[] = {{"alpha", {1, 2, 3}}, {"<beta>", {4, 5, 6}}, {"gamma", {7, 8, 9}}};
    control_Table(&out, rows, 3);
    control_Table(&out, NULL, 0);
    control_Counting(&out, 3);
    int xs[] = {3, 1, 4, 1, 5};
    control_Ints(&out, xs, 5);
    control_Ints(&out, xs, 0);
    control_Hot(&out, true, "a<b");
    control_Hot(&out, false, NULL);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
