" Vim syntax file for starch templates (*.starch; the language: docs/language.md).
" HTML underneath (syntax/html.vim, with its JavaScript and CSS); on top of it, anywhere
" in the HTML (text, attribute values, <script>, <style>): {# comments #}, {% statements %}
" whose first word is the keyword and the rest C, {{ C expressions | filters }}, and the
" blocks {% c %} (C), {% entity %} (fields), {% raw %} and {% markdown %} (text). Datastar
" attributes (data-on:click="@post('/x')") hold JavaScript. Tested by tests/editors/run-vim.py.
if exists('b:current_syntax')
  finish
endif

runtime! syntax/html.vim
unlet! b:current_syntax
syntax include @starchC syntax/c.vim
unlet! b:current_syntax
syntax case match

" Everything starch adds to HTML: html.vim (and its JavaScript) let it in through
" @htmlPreproc; s:hosts names the CSS groups and HTML comments, which do not.
syntax cluster htmlPreproc add=starchComment,starchTag,starchInterp,starchCBlock,starchEntity,starchRaw,starchMarkdown
let s:hosts = 'containedin=cssDefinition,cssAttrRegion,cssFunction,cssURL,cssStringQ,cssStringQQ,htmlComment'

" {# comment #}
execute 'syntax region starchComment start=/{#/ end=/#}/ keepend' s:hosts

" {{ expr | filter }}: C, then filters (a | followed by a filter name, not ||)
execute 'syntax region starchInterp matchgroup=starchDelimiter start=/{{-\?/ end=/-\?}}/ keepend'
      \ 'contains=starchFilter,@starchC' s:hosts
syntax match starchFilter /\%(|\)\@<!|\%(|\)\@!\s*\%(raw\|fmt\|json\|markdown\)\>/ contained
      \ contains=starchFilterName
syntax match starchFilterName /\<\%(raw\|fmt\|json\|markdown\)\>/ contained

" {% keyword rest %}: the keyword right after {%, then what the keyword takes
execute 'syntax region starchTag matchgroup=starchDelimiter start=/{%-\?/ end=/-\?%}/ keepend'
      \ 'contains=starchConditional,starchElse,starchRepeat,starchLet,starchComponent,'
      \ . 'starchCall,starchSlot,starchChildren,starchImport,starchEnd,starchBlockKeyword,starchUnknown'
      \ s:hosts
" Defined first, as a match defined later wins at the same column: an unknown keyword,
" and the C after a keyword (after 'for', the loop variable wins over it).
syntax region starchExpr start=/\S/ end=/\ze\s*-\?%}/ contained keepend contains=@starchC
syntax match starchUnknown /\%({%-\?\s*\)\@<=\h\w*/ contained
syntax match starchConditional /\%({%-\?\s*\)\@<=\%(if\|elif\)\>/ contained nextgroup=starchExpr skipwhite
syntax match starchElse /\%({%-\?\s*\)\@<=else\>/ contained
syntax match starchRepeat /\%({%-\?\s*\)\@<=for\>/ contained nextgroup=starchLoopVar,starchExpr skipwhite
syntax match starchLoopVar /\h\w*\ze\s\+in\>/ contained nextgroup=starchIn skipwhite
syntax match starchIn /\<in\>/ contained nextgroup=starchExpr skipwhite
syntax match starchLet /\%({%-\?\s*\)\@<=let\>/ contained nextgroup=starchExpr skipwhite
syntax match starchComponent /\%({%-\?\s*\)\@<=component\>/ contained nextgroup=starchComponentName skipwhite
syntax match starchCall /\%({%-\?\s*\)\@<=\%(render\|call\)\>/ contained nextgroup=starchComponentName skipwhite
syntax match starchComponentName /\h\w*/ contained nextgroup=starchExpr skipwhite
syntax match starchSlot /\%({%-\?\s*\)\@<=\%(fill\|slot\)\>/ contained nextgroup=starchSlotName skipwhite
syntax match starchSlotName /\h\w*/ contained
syntax match starchChildren /\%({%-\?\s*\)\@<=children\>/ contained
syntax match starchImport /\%({%-\?\s*\)\@<=import\>/ contained nextgroup=starchImportPath skipwhite
syntax region starchImportPath start=/"/ end=/"/ contained oneline
syntax match starchEnd /\%({%-\?\s*\)\@<=end\%(if\|for\|call\|fill\|markdown\|raw\|c\|entity\|component\)\=\>/ contained
syntax match starchBlockKeyword /\%({%-\?\s*\)\@<=\%(c\%(\s\+impl\)\=\|entity\|raw\|markdown\)\>/ contained
      \ contains=starchImpl nextgroup=starchEntityName skipwhite
syntax match starchImpl /\<impl\>/ contained
syntax match starchEntityName /\h\w*/ contained

" The blocks: the opening tag is a starchBlockOpen inside the block; the block ends
" before its {% end %}, which is a starchTag of the text around it.
syntax region starchCBlock start=/{%-\?\s*c\%(\s\+impl\)\=\s*-\?%}/ end=/{%-\?\s*endc\=\s*-\?%}/me=s-1
      \ keepend contains=starchBlockOpen,@starchC
syntax region starchEntity start=/{%-\?\s*entity\s\+\h\w*\s*-\?%}/ end=/{%-\?\s*end\%(entity\)\=\s*-\?%}/me=s-1
      \ keepend contains=starchBlockOpen,starchField,starchComment
syntax region starchRaw start=/{%-\?\s*raw\s*-\?%}/ end=/{%-\?\s*end\%(raw\)\=\s*-\?%}/me=s-1
      \ keepend contains=starchBlockOpen,starchRawText
syntax region starchMarkdown start=/{%-\?\s*markdown\s*-\?%}/ end=/{%-\?\s*end\%(markdown\)\=\s*-\?%}/me=s-1
      \ keepend contains=starchBlockOpen
syntax region starchBlockOpen matchgroup=starchDelimiter start=/{%-\?/ end=/-\?%}/ contained oneline
      \ contains=starchBlockKeyword
syntax match starchRawText /\%(%}\)\@<=\_.*/ contained
syntax match starchField /^\s*\h\w*\s*:\s*\h\w*\%(\[\]\)\=/ contained
      \ contains=starchFieldName,starchFieldType
syntax match starchFieldName /\h\w*\ze\s*:/ contained
syntax match starchFieldType /:\s*\zs\h\w*\%(\[\]\)\=/ contained

" Boolean attributes (checked?={{ cond }}) and Datastar attributes, inside HTML tags
syntax cluster htmlArgCluster add=starchBoolAttr,starchDatastarAttr,starchDatastarName
syntax match starchBoolAttr /?=\ze{{/ contained
syntax match starchDatastarAttr /\<data-\%(on-signal-patch-filter\|on-signal-patch\|on-intersect\|on-interval\|json-signals\|signals\|computed\|effect\|class\|style\|text\|show\|init\|attr\|on\)\%([:_][^ \t\n"'/<=>]*\)\=\ze\%(\_s*=\|[ \t\n/>]\)/
      \ contained nextgroup=starchDatastarValue skipwhite
syntax match starchDatastarName /\<data-\%(preserve-attr\|ignore-morph\|indicator\|ignore\|bind\|ref\)\%([:_][^ \t\n"'/<=>]*\)\=\ze\%(\_s*=\|[ \t\n/>]\)/ contained
syntax region starchDatastarValue matchgroup=starchDatastarQuote start=/=\s*"/ end=/"/ contained keepend
      \ contains=starchAction,starchSignal,@htmlJavaScript,starchInterp
syntax region starchDatastarValue matchgroup=starchDatastarQuote start=/=\s*'/ end=/'/ contained keepend
      \ contains=starchAction,starchSignal,@htmlJavaScript,starchInterp
syntax match starchAction /@\h\w*\ze\s*(/ contained
syntax match starchSignal /\$\h[[:alnum:]_$.]*/ contained

highlight default link starchComment Comment
highlight default link starchDelimiter PreProc
highlight default link starchFilter Operator
highlight default link starchFilterName Function
highlight default link starchConditional Conditional
highlight default link starchElse Conditional
highlight default link starchRepeat Repeat
highlight default link starchIn Repeat
highlight default link starchLoopVar Identifier
highlight default link starchLet StorageClass
highlight default link starchComponent Structure
highlight default link starchCall Statement
highlight default link starchComponentName Function
highlight default link starchSlot Statement
highlight default link starchSlotName Identifier
highlight default link starchChildren Statement
highlight default link starchImport Include
highlight default link starchImportPath String
highlight default link starchEnd Statement
highlight default link starchBlockKeyword Structure
highlight default link starchImpl StorageClass
highlight default link starchEntityName Type
highlight default link starchUnknown Error
highlight default link starchRawText String
highlight default link starchFieldName Identifier
highlight default link starchFieldType Type
highlight default link starchBoolAttr Operator
highlight default link starchDatastarAttr Special
highlight default link starchDatastarName Special
highlight default link starchDatastarQuote String
highlight default link starchAction Function
highlight default link starchSignal Identifier

let b:current_syntax = 'starch'
