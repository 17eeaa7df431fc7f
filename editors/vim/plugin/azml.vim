" azml-lsp commands for Vim with ALE: :AzmlRun, :AzmlDebug, :AzmlCheck.
if exists('g:loaded_azml')
    finish
endif
let g:loaded_azml = 1

command! -nargs=* -complete=file AzmlRun call azml#Run(bufnr(''), [<f-args>])
command! -nargs=* -complete=file AzmlDebug call azml#Debug(bufnr(''), [<f-args>])
command! -nargs=0 AzmlCheck call azml#Check(bufnr(''))
