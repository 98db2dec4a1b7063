/* grammar.y — the template grammar (lemon). Actions are one call into parse.c, which
 * builds the tree with ast.c; every tree-valued nonterminal has a destructor, so error
 * recovery never leaks. The lexer has already matched every block with its end tag and
 * reported what it could; most syntax errors left for the parser are tags in the wrong
 * place. */

%name starchParse
%token_prefix TK_
%token_type {Tok}
%extra_context {ParseCtx *pc}
%stack_size 2000

%include {
#include <stdlib.h>
#include "parse.h"
}

%syntax_error { parse_syntax_error(pc, yymajor, &yyminor); }
%stack_overflow { parse_stack_overflow(pc); }
%parse_failure { pc->failed = true; }

/* Token codes. The first group never reaches the parser or is punctuation. */
%token COMMENT BODY TEXT EXPR_OPEN EXPR_CLOSE TAG_CLOSE CODE FILTER BOOLATTR IDENT STRING
       LPAREN RPAREN COMMA IN COLON LBRACKET RBRACKET.
%token IF ELIF ELSE END FOR LET RENDER CALL FILL SLOT CHILDREN MARKDOWN RAW C IMPL IMPORT
       ENTITY COMPONENT.

/* ---- A template: declarations ---------------------------------------------------- */

template ::= decls(D).                   { pc->decls = D; }

%type decls {NodeList}
%destructor decls { ast_free_list($$); }
decls(A) ::= .                           { A = ast_list_empty(); }
decls(A) ::= decls(B) decl(D).           { A = ast_list_append(B, D); }

%type decl {Node *}
%destructor decl { ast_free($$); }
decl(A) ::= C(K) TAG_CLOSE body(B) END TAG_CLOSE.
                                         { A = parse_cblock(pc, &K, false, &B); }
decl(A) ::= C(K) IMPL TAG_CLOSE body(B) END TAG_CLOSE.
                                         { A = parse_cblock(pc, &K, true, &B); }
decl(A) ::= IMPORT(K) STRING(S) TAG_CLOSE.
                                         { A = parse_import(pc, &K, &S); }
decl(A) ::= ENTITY(K) IDENT(N) TAG_CLOSE fields(F) END TAG_CLOSE.
                                         { A = parse_entity(pc, &K, &N, F); }
decl(A) ::= COMPONENT(K) IDENT(N) LPAREN args(P) RPAREN TAG_CLOSE nodes(B) END(E) TAG_CLOSE.
                                         { A = parse_component(pc, &K, &N, P, B, &E); }
decl(A) ::= node(N).                     { A = parse_toplevel_node(pc, N); }

%type body {Tok}
body(A) ::= .                            { A = parse_empty_tok(); }
body(A) ::= BODY(B).                     { A = B; }

/* ---- Entities -------------------------------------------------------------------- */

%type fields {Field *}
%destructor fields { ast_free_fields($$); }
fields(A) ::= .                          { A = NULL; }
fields(A) ::= fields(F) field(G).        { A = ast_field_append(F, G); }

%type field {Field *}
%destructor field { ast_free_fields($$); }
field(A) ::= IDENT(N) COLON IDENT(T).    { A = parse_field(pc, &N, &T, false); }
field(A) ::= IDENT(N) COLON IDENT(T) LBRACKET RBRACKET.
                                         { A = parse_field(pc, &N, &T, true); }

/* ---- Arguments and parameters ---------------------------------------------------- */

%type args {SpanList}
%destructor args { free($$.items); }
args(A) ::= .                            { A = parse_spans_empty(); }
args(A) ::= arglist(L).                  { A = L; }

%type arglist {SpanList}
%destructor arglist { free($$.items); }
arglist(A) ::= CODE(C).                  { A = parse_spans_append(parse_spans_empty(), &C); }
arglist(A) ::= arglist(L) COMMA CODE(C). { A = parse_spans_append(L, &C); }

/* ---- Component bodies: markup and statements ------------------------------------- */

%type nodes {NodeList}
%destructor nodes { ast_free_list($$); }
nodes(A) ::= .                           { A = ast_list_empty(); }
nodes(A) ::= nodes(L) node(N).           { A = ast_list_append(L, N); }

%type node {Node *}
%destructor node { ast_free($$); }
node(A) ::= TEXT(T).                     { A = parse_text(pc, &T); }
node(A) ::= EXPR_OPEN(O) CODE(C) filters(F) EXPR_CLOSE.
                                         { A = parse_interp(pc, &O, &C, F); }
node(A) ::= BOOLATTR(N) EXPR_OPEN CODE(C) filters(F) EXPR_CLOSE.
                                         { A = parse_boolattr(pc, &N, &C, F); }
node(A) ::= IF(K) CODE(C) TAG_CLOSE nodes(B) else(E) END(X) TAG_CLOSE.
                                         { A = parse_if(pc, &K, &C, B, E, &X); }
node(A) ::= FOR(K) IDENT(V) IN CODE(R) COMMA CODE(N) TAG_CLOSE nodes(B) forelse(E) END(X) TAG_CLOSE.
                                         { A = parse_for_in(pc, &K, &V, &R, &N, B, E, &X); }
node(A) ::= FOR(K) CODE(H) TAG_CLOSE nodes(B) END(X) TAG_CLOSE.
                                         { A = parse_for_c(pc, &K, &H, B, &X); }
node(A) ::= LET(K) CODE(C) TAG_CLOSE.    { A = parse_let(pc, &K, &C); }
node(A) ::= RENDER(K) IDENT(N) LPAREN args(P) RPAREN TAG_CLOSE.
                                         { A = parse_render(pc, &K, &N, P); }
node(A) ::= CALL(K) IDENT(N) LPAREN args(P) RPAREN TAG_CLOSE nodes(B) END(X) TAG_CLOSE.
                                         { A = parse_call(pc, &K, &N, P, B, &X); }
node(A) ::= FILL(K) IDENT(N) TAG_CLOSE nodes(B) END(X) TAG_CLOSE.
                                         { A = parse_fill(pc, &K, &N, B, &X); }
node(A) ::= CHILDREN(K) TAG_CLOSE.       { A = parse_children(pc, &K); }
node(A) ::= SLOT(K) IDENT(N) TAG_CLOSE.  { A = parse_slot(pc, &K, &N); }
node(A) ::= MARKDOWN(K) TAG_CLOSE body(B) END TAG_CLOSE.
                                         { A = parse_markdown(pc, &K, &B); }
node(A) ::= RAW TAG_CLOSE nodes(B) END TAG_CLOSE.
                                         { A = parse_raw(pc, B); }
node(A) ::= error TAG_CLOSE.             { A = NULL; }

%type else {NodeList}
%destructor else { ast_free_list($$); }
else(A) ::= .                            { A = ast_list_empty(); }
else(A) ::= ELSE TAG_CLOSE nodes(B).     { A = B; }
else(A) ::= ELIF(K) CODE(C) TAG_CLOSE nodes(B) else(E).
                                         { A = parse_elif(pc, &K, &C, B, E); }

%type forelse {NodeList}
%destructor forelse { ast_free_list($$); }
forelse(A) ::= .                         { A = ast_list_empty(); }
forelse(A) ::= ELSE TAG_CLOSE nodes(B).  { A = B; }

%type filters {Filter *}
%destructor filters { ast_free_filters($$); }
filters(A) ::= .                         { A = NULL; }
filters(A) ::= filters(L) FILTER(F).     { A = ast_filter_append(L, parse_filter(pc, &F)); }
