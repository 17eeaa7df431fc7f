-- azml-lsp for Neovim (0.7+): starts `azml lsp` on Python buffers and adds
-- :AzmlRun, :AzmlDebug and :AzmlCheck.
local results = require("azml.results")

local M = {}

M.config = {
  -- The command that starts the server; `python` is used when cmd is nil.
  cmd = nil,
  python = "python3",
  dialect = nil, -- "designer" or "classic"; nil lets the server decide
  -- where runs happen: a cloud twin ("classic-py27", see `azml env list`) or "local"; a script's
  -- own `env` (header, pyproject.toml) wins; nil: the dialect's twin when created, else local
  env = nil,
  root_markers = { "pyproject.toml", ".git", "setup.cfg" },
  filetypes = { "python" },
  on_attach = nil,
}

local function server_cmd()
  return M.config.cmd or { M.config.python, "-m", "azml_lsp", "lsp" }
end

local function root_dir(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  for _, marker in ipairs(M.config.root_markers) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h")
    end
    found = vim.fn.finddir(marker, dir .. ";")
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h:h")
    end
  end
  return dir
end

local clients = {} -- root directory -> client id

--- Starts (or reuses) the server for a buffer and attaches it.
function M.attach(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" then
    return nil
  end
  local root = root_dir(path)
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    local settings = { azml = { dialect = M.config.dialect, env = M.config.env } }
    id = vim.lsp.start_client({
      name = "azml",
      cmd = server_cmd(),
      root_dir = root,
      init_options = settings.azml,
      settings = settings,
      on_attach = M.config.on_attach,
    })
    if id == nil then
      vim.notify("azml: could not start " .. table.concat(server_cmd(), " ")
        .. " (is azml-lsp installed? pip install azml-lsp)", vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function client_for(bufnr)
  local id = M.attach(bufnr)
  return id and vim.lsp.get_client_by_id(id)
end

--- Parses `key=value` words (dataset1=, dataset2=, bundle=, dialect=, env=) into a command
--- argument.
function M.arguments(bufnr, words)
  local arg = { uri = vim.uri_from_bufnr(bufnr), dialect = M.config.dialect }
  local names = { dialect = true, env = true }
  for _, word in ipairs(words or {}) do
    local key, value = word:match("^(%w+)=(.+)$")
    if key == nil
      or not vim.tbl_contains({ "dataset1", "dataset2", "bundle", "dialect", "env" }, key) then
      error("azml: expected dataset1=FILE, dataset2=FILE, bundle=PATH, dialect=NAME or env=NAME, got "
        .. word)
    end
    arg[key] = names[key] and value or vim.fn.fnamemodify(value, ":p")
  end
  return arg
end

--- Runs a server command for a buffer; `on_result(result, err)` gets the reply or the error.
function M.execute(command, bufnr, words, on_result)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if client == nil then
    return
  end
  local params = { command = command, arguments = { M.arguments(bufnr, words) } }
  local function on_reply(err, result)
    if err then
      M.last_error = err
      vim.notify("azml: " .. command .. " failed: " .. (err.message or vim.inspect(err)),
        vim.log.levels.ERROR)
    end
    on_result(result, err)
  end
  -- Neovim 0.11 made request a method; older versions call it as a plain function.
  if vim.fn.has("nvim-0.11") == 1 then
    client:request("workspace/executeCommand", params, on_reply, bufnr)
  else
    client.request("workspace/executeCommand", params, on_reply, bufnr)
  end
end

local function error_to_quickfix(bufnr, result)
  local err = result.error
  if err == nil or err == vim.NIL or err.line == nil or err.line == vim.NIL then
    return
  end
  vim.fn.setqflist({ { bufnr = bufnr, lnum = err.line, text = err.message } }, "r")
end

--- :AzmlRun — runs the script like the cloud module and shows the results in a split.
function M.run(bufnr, words, on_done)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  vim.notify("azml: running " .. vim.api.nvim_buf_get_name(bufnr))
  M.execute("azml.run", bufnr, words, function(result, err)
    if err then
      return on_done and on_done(nil, nil, err)
    end
    M.last_result = result
    local buf = results.show(results.lines(result))
    error_to_quickfix(bufnr, result)
    if on_done then
      on_done(result, buf)
    end
  end)
end

--- Attaches nvim-dap (when installed) to a debugpy server.
function M.attach_debugger(address)
  local ok, dap = pcall(require, "dap")
  if not ok then
    vim.notify(string.format("azml: debugpy listens on %s:%d; attach a debugger to it",
      address.host, address.port))
    return false
  end
  dap.adapters.azml = function(callback, config)
    callback({ type = "server", host = config.connect.host, port = config.connect.port })
  end
  dap.run({
    type = "azml",
    request = "attach",
    name = "azml: attach",
    connect = { host = address.host, port = address.port },
    justMyCode = false,
  })
  return true
end

--- :AzmlDebug — starts the script under debugpy and attaches nvim-dap to it.
function M.debug(bufnr, words, on_done)
  M.execute("azml.debug", bufnr, words, function(address, err)
    if err then
      return on_done and on_done(nil, false, err)
    end
    M.last_debug = address
    local attached = M.attach_debugger(address)
    if on_done then
      on_done(address, attached)
    end
  end)
end

--- :AzmlCheck — checks the workspace and lists the findings.
function M.check(bufnr, words, on_done)
  M.execute("azml.check", bufnr, words, function(result, err)
    if err then
      return on_done and on_done(nil, err)
    end
    vim.notify("azml check: " .. vim.json.encode(result or vim.NIL))
    if on_done then
      on_done(result)
    end
  end)
end

local function user_command(name, fn)
  vim.api.nvim_create_user_command(name, function(opts)
    fn(0, opts.fargs)
  end, { nargs = "*", complete = "file" })
end

--- Configures the plugin: starts the server on matching buffers and defines the commands.
function M.setup(opts)
  M.config = vim.tbl_extend("force", M.config, opts or {})
  local group = vim.api.nvim_create_augroup("azml", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  user_command("AzmlRun", M.run)
  user_command("AzmlDebug", M.debug)
  user_command("AzmlCheck", M.check)
end

return M
