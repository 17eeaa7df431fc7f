" ALE linter definition for azml-lsp: the `azml lsp` language server over stdio.
" Options: g:ale_python_azml_executable (default 'python3', the interpreter with azml_lsp),
"          g:ale_python_azml_command (default '%e -m azml_lsp lsp'),
"          g:azml_dialect ('designer' or 'classic'; unset: the server's default),
"          g:azml_env (a cloud twin such as 'classic-py27', or 'local'; a script's own env wins).

call ale#Set('python_azml_executable', 'python3')
call ale#Set('python_azml_command', '%e -m azml_lsp lsp')

function! ale_linters#python#azml#GetProjectRoot(buffer) abort
    for l:marker in ['pyproject.toml', 'setup.cfg']
        let l:found = ale#path#FindNearestFile(a:buffer, l:marker)

        if !empty(l:found)
            return fnamemodify(l:found, ':h')
        endif
    endfor

    let l:git = ale#path#FindNearestDirectory(a:buffer, '.git')

    return !empty(l:git) ? fnamemodify(l:git, ':h:h') : expand('#' . a:buffer . ':p:h')
endfunction

function! ale_linters#python#azml#GetInitializationOptions(buffer) abort
    let l:options = {}

    if exists('g:azml_dialect')
        let l:options.dialect = g:azml_dialect
    endif

    if exists('g:azml_env')
        let l:options.env = g:azml_env
    endif

    return l:options
endfunction

call ale#linter#Define('python', {
\   'name': 'azml',
\   'lsp': 'stdio',
\   'executable': {buffer -> ale#Var(buffer, 'python_azml_executable')},
\   'command': {buffer -> ale#Var(buffer, 'python_azml_command')},
\   'project_root': function('ale_linters#python#azml#GetProjectRoot'),
\   'initialization_options': function('ale_linters#python#azml#GetInitializationOptions'),
\})
