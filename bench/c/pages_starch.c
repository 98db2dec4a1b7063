/* pages_starch.c — the generated renderers of bench/templates/, by page number. The
 * sse-fragment renders shop's ProductCard straight into a Datastar patch-elements event:
 * the SSE writer inserts the `data: elements ` prefixes as the bytes stream, with no copy
 * of the card. */
#include "big_table.starch.h"
#include "big_table_for.starch.h"
#include "form.starch.h"
#include "grid.starch.h"
#include "layout.starch.h"
#include "pages.h"
#include "paragraphs.starch.h"
#include "people.starch.h"
#include "report.starch.h"
#include "shop.starch.h"
#include "teams.starch.h"

void bench_starch_render(int page, starch_out *out, const bench_data *d)
{
    starch_sse_stream st;
    switch (page) {
    case 0: big_table_BigTable(out, &d->table); break;
    case 1: teams_Teams(out, &d->teams); break;
    case 2: shop_Shop(out, &d->shop); break;
    case 3:
        shop_ProductCard(starch_sse_elements_begin(&st, out, NULL), &d->fragment);
        starch_sse_elements_end(&st, NULL);
        break;
    case 4: big_table_for_BigTableFor(out, &d->table); break;
    case 5: grid_Grid(out, &d->grid); break;
    case 6: people_People(out, &d->people); break;
    case 7: paragraphs_Article(out, &d->article); break;
    case 8: form_Form(out, &d->form); break;
    case 9: report_Report(out, &d->report); break;
    case 10: layout_Dashboard(out, &d->layout); break;
    }
}
