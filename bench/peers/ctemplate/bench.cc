// bench.cc — the ctemplate peer (Debian libctemplate-dev), used as its docs recommend:
// templates loaded once through the default template cache with auto-escaping
// ({{%AUTOESCAPE context="HTML"}}), and per render a TemplateDictionary filled from the
// data and expanded into a reused std::string. Filling the dictionary is part of each
// render: it is how ctemplate takes the data of a request.
//
// It reuses the C engines' harness (bench/c/harness.c), so it speaks the same protocol.
#include <ctemplate/template.h>

#include <cstdio>
#include <cstring>
#include <string>

extern "C" {
#include "harness.h"
}

namespace
{

using ctemplate::TemplateDictionary;

std::string out;
const bench_data *data;
void (*render_fn)();

void fill_card(TemplateDictionary *d, const bench_product *p)
{
    d->SetIntValue("ID", p->id);
    d->SetValue("IMAGE", p->image);
    d->SetValue("NAME", p->name);
    d->SetValue("DESCRIPTION", p->description);
    d->SetFormattedValue("PRICE", "%.2f", p->price);
}

void big_table()
{
    TemplateDictionary dict("big-table");
    const bench_table &t = data->table;
    for (size_t i = 0; i < t.nrows; i++) {
        TemplateDictionary *row = dict.AddSectionDictionary("ROW");
        for (size_t j = 0; j < t.ncols; j++)
            row->AddSectionDictionary("CELL")->SetIntValue("VALUE", t.rows[i][j]);
    }
    ctemplate::ExpandTemplate("big_table.tpl", ctemplate::DO_NOT_STRIP, &dict, &out);
}

void teams()
{
    TemplateDictionary dict("teams");
    const bench_teams &t = data->teams;
    dict.SetIntValue("YEAR", t.year);
    for (size_t i = 0; i < t.nteams; i++) {
        TemplateDictionary *team = dict.AddSectionDictionary("TEAM");
        team->SetValue("NAME", t.teams[i].name);
        team->SetIntValue("SCORE", t.teams[i].score);
        if (i == 0)
            team->ShowSection("CHAMPION");
    }
    ctemplate::ExpandTemplate("teams.tpl", ctemplate::DO_NOT_STRIP, &dict, &out);
}

void shop()
{
    TemplateDictionary dict("shop");
    const bench_shop &s = data->shop;
    dict.SetValue("TITLE", s.title);
    dict.SetValue("FOOTER", s.footer);
    for (size_t i = 0; i < s.nnav; i++) {
        TemplateDictionary *link = dict.AddSectionDictionary("NAV");
        link->SetValue("HREF", s.nav[i].href);
        link->SetValue("LABEL", s.nav[i].label);
    }
    for (size_t i = 0; i < s.nproducts; i++) {
        TemplateDictionary *card = dict.AddIncludeDictionary("CARD");
        card->SetFilename("card.tpl");
        fill_card(card, &s.products[i]);
    }
    ctemplate::ExpandTemplate("shop.tpl", ctemplate::DO_NOT_STRIP, &dict, &out);
}

// The Datastar patch-elements event: one data line per line of the card (lines end at
// \n, \r\n or \r), a line break at the end giving an empty last data line.
std::string card_html;

void sse_fragment()
{
    TemplateDictionary dict("card");
    fill_card(&dict, &data->fragment);
    card_html.clear();
    ctemplate::ExpandTemplate("card.tpl", ctemplate::DO_NOT_STRIP, &dict, &card_html);
    out.append("event: datastar-patch-elements\n");
    size_t start = 0;
    for (;;) {
        size_t eol = card_html.find_first_of("\r\n", start);
        out.append("data: elements ");
        if (eol == std::string::npos) {
            out.append(card_html, start, std::string::npos);
            out.push_back('\n');
            break;
        }
        out.append(card_html, start, eol - start);
        out.push_back('\n');
        start = eol + (card_html.compare(eol, 2, "\r\n") == 0 ? 2 : 1);
    }
    out.push_back('\n');
}

const char *prepare(const char *bench, const bench_data *d)
{
    data = d;
    const char *dir = getenv("CTEMPLATE_PEER_TEMPLATES");
    ctemplate::mutable_default_template_cache()->SetTemplateRootDirectory(dir ? dir : "templates");
    if (strcmp(bench, "big-table") == 0)
        render_fn = big_table;
    else if (strcmp(bench, "teams") == 0)
        render_fn = teams;
    else if (strcmp(bench, "shop") == 0)
        render_fn = shop;
    else if (strcmp(bench, "sse-fragment") == 0)
        render_fn = sse_fragment;
    else
        return "unknown benchmark";
    return nullptr;
}

void render()
{
    out.clear();
    render_fn();
}

const char *output(size_t *len)
{
    *len = out.size();
    return out.data();
}

} // namespace

int main(int argc, char **argv)
{
    static const bench_engine engine = {prepare, render, output};
    return bench_main(&engine, argc, argv);
}
