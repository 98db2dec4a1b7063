" Vim filetype detection for starch templates (*.starch); see editors/README.md.
autocmd BufNewFile,BufRead *.starch setfiletype starch
