" Vim compiler file for starch: `:make` checks the current template with `starch --check`
" and reads its gcc-style diagnostics (FILE:LINE:COL: error|warning|note: MESSAGE, then the
" source line and a caret, which are skipped) into the quickfix list.
if exists('current_compiler')
  finish
endif
let current_compiler = 'starch'

CompilerSet makeprg=starch\ --check\ %:S
CompilerSet errorformat=%f:%l:%c:\ %trror:\ %m,%f:%l:%c:\ %tarning:\ %m,%f:%l:%c:\ %tote:\ %m,%-G%.%#
