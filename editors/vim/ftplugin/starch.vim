" Vim filetype plugin for starch templates: HTML's settings, {# #} comments, and
" :make running `starch --check` on the file (compiler/starch.vim).
if exists('b:did_ftplugin')
  finish
endif
runtime! ftplugin/html.vim
let b:did_ftplugin = 1
setlocal commentstring={#\ %s\ #}
compiler starch
let b:undo_ftplugin = get(b:, 'undo_ftplugin', '') . '|setlocal commentstring< makeprg< errorformat<'
