" Drives ALE and the azml Vim plugin through the editor scenario and writes JSON findings.
" Environment: AZML_FINDINGS (output file).
let s:findings = {'log': []}
let s:start = reltime()
let s:published = 0
let s:buffer = bufnr('')
autocmd User ALELintPost let s:published += 1

function! s:Note(text) abort
    call add(s:findings.log, printf('%.1fs %s', reltimefloat(reltime(s:start)), a:text))
endfunction

function! s:Finish(code) abort
    call writefile([json_encode(s:findings)], $AZML_FINDINGS)
    execute a:code == 0 ? 'qall!' : 'cquit ' . a:code
endfunction

function! s:Wait(seconds, Condition) abort
    let l:deadline = reltimefloat(reltime(s:start)) + a:seconds

    while !a:Condition() && reltimefloat(reltime(s:start)) < l:deadline
        sleep 50m
    endwhile

    return a:Condition()
endfunction

function! s:Diagnostics() abort
    let l:items = filter(copy(ale#engine#GetLoclist(s:buffer)), 'v:val.linter_name is# ''azml''')

    return map(l:items, '{''code'': get(v:val, ''code'', v:null), ''message'': v:val.text, ''line'': v:val.lnum - 1}')
endfunction

function! s:HasRuleCode() abort
    return !empty(filter(s:Diagnostics(), 'type(v:val.code) is v:t_string && v:val.code =~# ''\v^AZ\d+$'''))
endfunction

function! s:WaitDiagnostics(since, Accept) abort
    call s:Wait(30, {-> s:published > a:since && a:Accept()})
    return s:Diagnostics()
endfunction

function! s:OnReply(response) abort
    let s:reply = get(a:response, 'result', v:null)
    let s:replied = 1

    if has_key(a:response, 'error')
        call s:Note('error: ' . json_encode(a:response.error))
    endif
endfunction

function! s:Request(message) abort
    let s:replied = 0
    let s:reply = v:null
    call ale#lsp_linter#SendRequest(s:buffer, 'azml', a:message, function('s:OnReply'))
    call s:Wait(90, {-> s:replied})
    return s:reply
endfunction

" Line and 1-based column just after needle.
function! s:After(needle) abort
    let l:line = search('\V' . escape(a:needle, '\'), 'cw')

    if l:line == 0
        throw 'text not found: ' . a:needle
    endif

    return [l:line, stridx(getline(l:line), a:needle) + len(a:needle) + 1]
endfunction

function! s:Edit(from, to) abort
    let [l:line, l:column] = s:After(a:from)
    call setline(l:line, substitute(getline(l:line), '\V' . a:from, a:to, ''))
    call ale#Queue(0)
    return l:line
endfunction

function! s:Main() abort
    call ale#Queue(0)
    let s:findings.diagnostics_initial = s:WaitDiagnostics(0, {-> 1})

    call s:Note('hover')
    let [l:line, l:column] = s:After('dataframe1.gr')
    let l:hover = s:Request(ale#lsp#message#Hover(s:buffer, l:line, l:column))
    let s:findings.hover = type(l:hover) is v:t_dict ? json_encode(l:hover.contents) : ''

    call s:Note('completion')
    let [l:line, l:column] = s:After('dataframe1.')
    let l:completion = s:Request(ale#lsp#message#Completion(s:buffer, l:line, l:column, '.'))
    let l:items = type(l:completion) is v:t_dict ? get(l:completion, 'items', []) : l:completion
    let s:findings.completion = map(copy(type(l:items) is v:t_list ? l:items : []), 'v:val.label')

    call s:Note('break')
    let l:since = s:published
    let l:line = s:Edit('def azureml_main', 'def azureml_mian')
    let s:findings.diagnostics_broken = s:WaitDiagnostics(l:since, function('s:HasRuleCode'))
    let l:actions = s:Request(ale#lsp#message#CodeAction(s:buffer, l:line, 1, l:line, 1, []))
    let s:findings.code_actions = map(copy(type(l:actions) is v:t_list ? l:actions : []), 'v:val.title')

    call s:Note('fix')
    let l:initial = len(s:findings.diagnostics_initial)
    let l:since = s:published
    call s:Edit('def azureml_mian', 'def azureml_main')
    let s:findings.diagnostics_fixed = s:WaitDiagnostics(l:since, {-> len(s:Diagnostics()) <= l:initial})

    call s:Note('run')
    let s:ran = 0
    autocmd User AzmlRunFinished let s:ran = 1
    autocmd User AzmlCommandFailed let s:ran = -1
    call azml#Run(s:buffer, [])

    if s:Wait(60, {-> s:ran != 0}) && s:ran == 1
        let s:findings.run = g:azml_last_result
        let s:findings.results_view = join(getbufline(g:azml_results_buffer, 1, '$'), "\n")
    else
        call s:Note('azml.run failed: ' . json_encode(get(g:, 'azml_last_error', 'no reply')))
    endif

    call s:Note('finish')
    call s:Finish(0)
endfunction

try
    call s:Main()
catch
    call s:Note('driver error: ' . v:exception . ' at ' . v:throwpoint)
    call s:Finish(1)
endtry
