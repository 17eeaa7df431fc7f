" azml-lsp commands sent through ALE's connection to the `azml` linter.

" The command argument for a buffer from `key=value` words (dataset1, dataset2, bundle, dialect,
" env).
function! azml#Argument(buffer, words) abort
    let l:argument = {'uri': ale#util#ToURI(expand('#' . a:buffer . ':p'))}

    if exists('g:azml_dialect')
        let l:argument.dialect = g:azml_dialect
    endif

    for l:word in a:words
        let l:match = matchlist(l:word, '\v^(dataset1|dataset2|bundle|dialect|env)\=(.+)$')

        if empty(l:match)
            throw 'azml: expected dataset1=FILE, dataset2=FILE, bundle=PATH, dialect=NAME or env=NAME, got ' . l:word
        endif

        let l:named = index(['dialect', 'env'], l:match[1]) >= 0
        let l:argument[l:match[1]] = l:named ? l:match[2] : fnamemodify(l:match[2], ':p')
    endfor

    return l:argument
endfunction

" Sends a server command for a buffer; Callback gets the result.
function! azml#Execute(buffer, command, words, Callback) abort
    let l:message = ale#lsp#message#ExecuteCommand(a:command, [azml#Argument(a:buffer, a:words)])

    return ale#lsp_linter#SendRequest(a:buffer, 'azml', l:message,
    \   {response -> s:Reply(a:command, response, a:Callback)})
endfunction

function! s:Reply(command, response, Callback) abort
    if has_key(a:response, 'error')
        let g:azml_last_error = a:response.error
        echomsg 'azml: ' . a:command . ' failed: ' . get(a:response.error, 'message', '')
        silent doautocmd <nomodeline> User AzmlCommandFailed
        return
    endif

    call a:Callback(get(a:response, 'result', v:null))
endfunction

function! s:Text(value) abort
    return type(a:value) is v:t_string ? a:value : (a:value is v:null ? '' : string(a:value))
endfunction

function! s:Block(title, text) abort
    return empty(a:text) ? [] : [a:title . ':'] + map(split(a:text, "\n"), '"  " . v:val')
endfunction

" Lines describing a run result: status, where it ran, tables, images, output streams and error.
function! azml#ResultLines(result) abort
    let l:lines = [a:result.ok is v:true ? 'azml run: OK' : 'azml run: FAILED']
    let l:environment = s:Text(get(a:result, 'environment', ''))

    if !empty(l:environment)
        call add(l:lines, 'Ran in ' . l:environment)
    endif

    for l:output in get(a:result, 'outputs', [])
        call add(l:lines, printf('Result port %s: %s rows x %d columns  (%s)',
        \   l:output.port, l:output.rows, len(l:output.columns), l:output.path))
        call add(l:lines, '  ' . join(map(copy(l:output.columns), 's:Text(v:val)'), ' | '))
        call add(l:lines, '  ' . join(map(copy(get(l:output, 'dtypes', [])), 's:Text(v:val)'), ' | '))

        for l:row in get(l:output, 'head', [])
            call add(l:lines, '  ' . join(map(copy(l:row), 's:Text(v:val)'), ' | '))
        endfor
    endfor

    for l:image in get(a:result, 'images', [])
        call add(l:lines, 'Image: ' . l:image)
    endfor

    let l:lines += s:Block('stdout', s:Text(get(a:result, 'stdout', '')))
    let l:lines += s:Block('stderr', s:Text(get(a:result, 'stderr', '')))
    let l:error = get(a:result, 'error', v:null)

    if type(l:error) is v:t_dict
        let l:where = type(get(l:error, 'line', v:null)) is v:t_number ? ' (line ' . l:error.line . ')' : ''
        let l:detail = s:Text(get(l:error, 'detail', ''))
        let l:lines += s:Block('error' . l:where, empty(l:detail) ? s:Text(l:error.message) : l:detail)
    endif

    return l:lines
endfunction

" Shows lines in the azml-results scratch buffer, in a split; returns its number.
function! azml#Show(lines) abort
    let l:current = win_getid()
    let l:buffer = bufnr('azml-results')

    if l:buffer == -1 || bufwinnr(l:buffer) == -1
        execute 'botright split ' . (l:buffer == -1 ? 'azml-results' : '+buffer' . l:buffer)
        setlocal buftype=nofile bufhidden=hide noswapfile
        let l:buffer = bufnr('')
    endif

    call setbufvar(l:buffer, '&modifiable', 1)
    call deletebufline(l:buffer, 1, '$')
    call setbufline(l:buffer, 1, a:lines)
    call setbufvar(l:buffer, '&modifiable', 0)
    call win_gotoid(l:current)

    return l:buffer
endfunction

function! s:OnRun(buffer, result) abort
    let g:azml_last_result = a:result
    let g:azml_results_buffer = azml#Show(azml#ResultLines(a:result))
    let l:error = get(a:result, 'error', v:null)

    if type(l:error) is v:t_dict && type(get(l:error, 'line', v:null)) is v:t_number
        call setqflist([{'bufnr': a:buffer, 'lnum': l:error.line, 'text': l:error.message}], 'r')
    endif

    silent doautocmd <nomodeline> User AzmlRunFinished
endfunction

" :AzmlRun — runs the script like the cloud module and shows the results in a split.
function! azml#Run(buffer, words) abort
    echomsg 'azml: running ' . expand('#' . a:buffer . ':p')
    return azml#Execute(a:buffer, 'azml.run', a:words, {result -> s:OnRun(a:buffer, result)})
endfunction

function! s:OnDebug(address) abort
    let g:azml_last_debug = a:address
    echomsg printf('azml: debugpy listens on %s:%s; attach a debugger (e.g. vimspector) to it',
    \   a:address.host, a:address.port)
endfunction

" :AzmlDebug — runs the script under debugpy and says where to attach.
function! azml#Debug(buffer, words) abort
    return azml#Execute(a:buffer, 'azml.debug', a:words, function('s:OnDebug'))
endfunction

" :AzmlCheck — checks the workspace against the module's contract.
function! azml#Check(buffer) abort
    return azml#Execute(a:buffer, 'azml.check', [], {result -> execute('echomsg "azml check: " . json_encode(result)', '')})
endfunction
