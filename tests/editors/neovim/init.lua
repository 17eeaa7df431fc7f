-- A clean Neovim configuration with only the azml plugin, for the end-to-end test.
vim.opt.runtimepath:prepend(os.getenv("AZML_EDITORS") .. "/neovim")
vim.opt.swapfile = false
vim.opt.shadafile = "NONE"
require("azml").setup({ cmd = vim.json.decode(os.getenv("AZML_LSP_CMD")) })
