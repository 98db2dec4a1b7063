#include <limits.h>
#include <stdio.h>

#include "cloops.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    cloops_Less(&out, -2, 3);
    cloops_Less(&out, 5, 5);
    cloops_Less(&out, 5, 2);
    cloops_Less(&out, INT_MIN, INT_MIN + 3);
    cloops_LessEq(&out, 1, 3);
    cloops_LessEq(&out, 4, 3);
    cloops_NotEq(&out, 4294967294u, 1u);
    cloops_NotEq(&out, 7u, 7u);
    cloops_Wide(&out, LLONG_MIN, LLONG_MIN + 3);
    cloops_Wide(&out, -3, 3);
    cloops_Floats(&out, 0.5, 3);
    cloops_Floats(&out, -1, -0.5);
    Cell cells[] = {{1, "one"}, {-20, "<two>"}, {300, "three & more"}};
    cloops_Cells(&out, cells, 3);
    cloops_Cells(&out, cells, 0);
    cloops_Declared(&out, 1000);
    cloops_Declared(&out, 0);
    cloops_Grid(&out, 3, 4);
    cloops_Grid(&out, 2, 300);
    cloops_NotCounted(&out, 6, "abc");
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
