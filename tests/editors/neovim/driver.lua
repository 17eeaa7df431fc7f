-- Drives the azml Neovim plugin through the editor scenario and writes what it saw as JSON.
-- Environment: AZML_FINDINGS (output file), AZML_LSP_CMD (JSON list), AZML_EDITORS (editors/).
local azml = require("azml")
local findings = { log = {} }
local published = { count = 0, items = {} }

local started = vim.loop.hrtime()
local function note(text)
  table.insert(findings.log, string.format("%.1fs %s", (vim.loop.hrtime() - started) / 1e9, text))
end

local default_handler = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  published.count = published.count + 1
  published.items = result.diagnostics
  return default_handler(err, result, ctx, config)
end

local function finish(code)
  local file = io.open(os.getenv("AZML_FINDINGS"), "w")
  file:write(vim.json.encode(findings))
  file:close()
  vim.cmd(code == 0 and "qall!" or "cquit " .. code)
end

local function diagnostics()
  local out = {}
  for _, d in ipairs(published.items) do
    table.insert(out, { code = d.code or vim.NIL, message = d.message, line = d.range.start.line })
  end
  return out
end

-- Waits for a publication after `since` that satisfies `accept`.
local function wait_diagnostics(since, accept)
  vim.wait(30000, function()
    return published.count > since and accept(published.items)
  end, 50)
  return diagnostics()
end

local function has_azml_code(items)
  for _, d in ipairs(items) do
    if type(d.code) == "string" and d.code:match("^AZ%d+") then
      return true
    end
  end
  return false
end

local function position_after(buf, needle)
  for row, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return { line = row - 1, character = col - 1 + #needle }, row - 1, line
    end
  end
  error("text not found: " .. needle)
end

local function supported(buf, provider)
  for _, client in pairs(vim.lsp.buf_get_clients(buf)) do
    if client.server_capabilities[provider] then
      return true
    end
  end
  note("the server offers no " .. provider)
  return false
end

local function request(buf, method, params)
  local replies = vim.lsp.buf_request_sync(buf, method, params, 90000) or {}
  for _, reply in pairs(replies) do
    if reply.err then
      note(method .. " error: " .. vim.inspect(reply.err))
    end
    if reply.result then
      return reply.result
    end
  end
  return nil
end

local function main()
  local buf = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(buf)
  local ready = vim.wait(20000, function()
    local clients = vim.lsp.buf_get_clients(buf)
    for _, client in pairs(clients) do
      if client.initialized then
        return true
      end
    end
    return false
  end, 50)
  if not ready then
    note("the server did not initialize")
    return finish(1)
  end
  findings.diagnostics_initial = wait_diagnostics(0, function()
    return true
  end)

  local doc = { uri = uri }
  local hover_at = position_after(buf, "dataframe1.gr")
  local hover = request(buf, "textDocument/hover", { textDocument = doc, position = hover_at })
  note("hover")
  findings.hover = hover and vim.json.encode(hover.contents) or ""

  local after_dot = position_after(buf, "dataframe1.")
  local completion = request(buf, "textDocument/completion", { textDocument = doc, position = after_dot })
  local items = completion and (completion.items or completion) or {}
  note("completion")
  findings.completion = {}
  for _, item in ipairs(items) do
    table.insert(findings.completion, item.label)
  end

  local _, def_row, def_line = position_after(buf, "def azureml_main")
  local since = published.count
  vim.api.nvim_buf_set_lines(buf, def_row, def_row + 1, false,
    { (def_line:gsub("azureml_main", "azureml_mian")) })
  note("diagnostics_broken")
  findings.diagnostics_broken = wait_diagnostics(since, has_azml_code)
  local actions = supported(buf, "codeActionProvider") and request(buf, "textDocument/codeAction", {
    textDocument = doc,
    range = { start = { line = def_row, character = 0 }, ["end"] = { line = def_row, character = 0 } },
    context = { diagnostics = published.items },
  }) or {}
  note("code_actions")
  findings.code_actions = {}
  for _, action in ipairs(actions) do
    table.insert(findings.code_actions, action.title)
  end

  since = published.count
  vim.api.nvim_buf_set_lines(buf, def_row, def_row + 1, false, { def_line })
  note("diagnostics_fixed")
  findings.diagnostics_fixed = wait_diagnostics(since, function(current)
    return #current <= #findings.diagnostics_initial
  end)

  note("run")
  local done = false
  azml.run(buf, {}, function(result, results_buf, err)
    if err then
      note("azml.run failed: " .. vim.inspect(err))
    else
      findings.run = result
      findings.results_view = table.concat(vim.api.nvim_buf_get_lines(results_buf, 0, -1, false), "\n")
    end
    done = true
  end)
  vim.wait(60000, function()
    return done
  end, 50)
  if not done then
    note("azml.run gave no reply")
  end
  note("finish")
  finish(0)
end

local ok, err = pcall(main)
if not ok then
  note("driver error: " .. tostring(err))
  finish(1)
end
