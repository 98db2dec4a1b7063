#include <stdio.h>

#include "types.starch.h"

int main(void)
{
    starch_out out;
    starch_out_init(&out);
    types_Strings(&out, "<a href=\"x\">Tom & 'Jerry'</a>", NULL, STARCH_STR("s<t>r"),
                  starch_html_trusted("<b>bold</b>", 11));
    types_Numbers(&out);
    types_Chars(&out, 'x', '\'');
    types_Bools(&out, true, false);
    types_Doubles(&out);
    types_Filters(&out, "<i>&</i>", 12.345, 42);
    fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
    int err = starch_out_error(&out);
    starch_out_free(&out);
    return err;
}
