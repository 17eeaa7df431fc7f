-- Turns the RunResult JSON of `azml.run` into lines for a results split.
local M = {}

local function cell(value)
  if value == nil or value == vim.NIL then
    return ""
  end
  return tostring(value)
end

local function table_lines(output)
  local lines = {
    string.format("Result port %s: %s rows x %d columns  (%s)", cell(output.port), cell(output.rows),
      #output.columns, cell(output.path)),
  }
  local header, types = {}, {}
  for i, name in ipairs(output.columns) do
    header[i] = cell(name)
    types[i] = cell((output.dtypes or {})[i])
  end
  table.insert(lines, "  " .. table.concat(header, " | "))
  table.insert(lines, "  " .. table.concat(types, " | "))
  for _, row in ipairs(output.head or {}) do
    local cells = {}
    for i, value in ipairs(row) do
      cells[i] = cell(value)
    end
    table.insert(lines, "  " .. table.concat(cells, " | "))
  end
  return lines
end

local function text_block(title, text, lines)
  if text == nil or text == vim.NIL or text == "" then
    return
  end
  table.insert(lines, title .. ":")
  for _, line in ipairs(vim.split(text, "\n", { plain = true })) do
    table.insert(lines, "  " .. line)
  end
end

--- Lines describing a run: status, where it ran, tables, images, output streams, error.
function M.lines(result)
  local lines = { result.ok and "azml run: OK" or "azml run: FAILED" }
  if result.environment ~= nil and result.environment ~= vim.NIL and result.environment ~= "" then
    table.insert(lines, "Ran in " .. cell(result.environment))
  end
  for _, output in ipairs(result.outputs or {}) do
    vim.list_extend(lines, table_lines(output))
  end
  for _, image in ipairs(result.images or {}) do
    table.insert(lines, "Image: " .. cell(image))
  end
  text_block("stdout", result.stdout, lines)
  text_block("stderr", result.stderr, lines)
  local err = result.error
  if err ~= nil and err ~= vim.NIL then
    local where = (err.line ~= nil and err.line ~= vim.NIL) and (" (line " .. err.line .. ")") or ""
    text_block("error" .. where, err.detail ~= "" and err.detail or err.message, lines)
  end
  return lines
end

--- Shows lines in the `azml://results` scratch buffer, in a split, and returns its number.
function M.show(lines)
  local buf = vim.fn.bufnr("azml://results")
  if buf == -1 then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, "azml://results")
    vim.bo[buf].bufhidden = "hide"
  end
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  if vim.fn.bufwinnr(buf) == -1 then
    local current = vim.api.nvim_get_current_win()
    vim.cmd("botright split")
    vim.api.nvim_win_set_buf(0, buf)
    vim.api.nvim_set_current_win(current)
  end
  return buf
end

return M
