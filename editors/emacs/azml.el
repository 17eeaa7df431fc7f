;;; azml.el --- Azure ML "Execute Python Script" support through azml-lsp and eglot  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))
;; Keywords: languages, tools

;;; Commentary:

;; Starts the `azml lsp' language server through eglot on Python buffers and adds
;; `azml-run' (results in a *azml results* buffer), `azml-debug' (attaches dape when
;; present) and `azml-check'.  Call `azml-setup' once, e.g. in your init file:
;;
;;   (require 'azml)
;;   (azml-setup)

;;; Code:

(require 'eglot)
(require 'jsonrpc)
(require 'subr-x)

(defgroup azml nil
  "Azure ML Execute Python Script scripts, checked, run and debugged locally."
  :group 'tools
  :prefix "azml-")

(defcustom azml-python "python3"
  "The Python interpreter that has `azml_lsp' installed."
  :type 'string)

(defcustom azml-server-command nil
  "The command that starts the server, a list of strings.
nil runs `azml-python' -m azml_lsp lsp."
  :type '(choice (const nil) (repeat string)))

(defcustom azml-dialect nil
  "The dialect scripts are written for: \"designer\" or \"classic\".
nil leaves it to the script's header, pyproject.toml or the server."
  :type '(choice (const nil) (const "designer") (const "classic")))

(defcustom azml-env nil
  "Where runs happen: a cloud twin such as \"classic-py27\" (`azml env create NAME'),
or \"local\".  A script's own env (its `# azml:' header or pyproject.toml) wins;
nil: the dialect's twin when it is created, else local."
  :type '(choice (const nil) string))

(defcustom azml-modes '(python-mode python-ts-mode)
  "Major modes whose buffers get the azml server."
  :type '(repeat symbol))

(defcustom azml-command-timeout 600
  "Seconds to wait for `azml.run', `azml.debug' and `azml.check' to answer."
  :type 'integer)

(defvar azml-run-finished-functions nil
  "Functions called after `azml-run' with the result plist and results buffer.")

(defvar azml-last-result nil
  "The plist of the last `azml.run' result.")

(defvar azml-command-failed-functions nil
  "Functions called with the command name and the error when a command fails.")

(defun azml--contact (&optional _interactive)
  "The eglot contact of the azml server."
  (append (or azml-server-command (list azml-python "-m" "azml_lsp" "lsp"))
          (list :initializationOptions (azml--options))))

(defun azml--options ()
  "The server settings from `azml-dialect' and `azml-env'."
  (let ((options (append (when azml-dialect (list :dialect azml-dialect))
                         (when azml-env (list :env azml-env)))))
    (or options eglot--{})))

;;;###autoload
(defun azml-setup (&optional no-auto-start)
  "Use the azml server for `azml-modes'.
Start it on visiting such a file unless NO-AUTO-START."
  (add-to-list 'eglot-server-programs (cons azml-modes #'azml--contact))
  (unless no-auto-start
    (dolist (mode azml-modes)
      (add-hook (intern (format "%s-hook" mode)) #'eglot-ensure))))

(defun azml--argument (&optional inputs)
  "The argument of an azml command for this buffer, with INPUTS (a plist)."
  (unless buffer-file-name
    (user-error "azml: this buffer visits no file; save it first"))
  (append (list :uri (if (fboundp 'eglot-path-to-uri)
                         (funcall 'eglot-path-to-uri buffer-file-name)
                       (eglot--path-to-uri buffer-file-name)))
          (when azml-dialect (list :dialect azml-dialect))
          inputs))

(defun azml--execute (command inputs on-result)
  "Ask the server to run COMMAND on this buffer with INPUTS.
ON-RESULT is called with the reply."
  (let ((server (eglot--current-server-or-lose)))
    (jsonrpc-async-request
     server :workspace/executeCommand
     (list :command command :arguments (vector (azml--argument inputs)))
     :success-fn on-result
     :error-fn (lambda (err)
                 (message "azml: %s failed: %s" command (plist-get err :message))
                 (run-hook-with-args 'azml-command-failed-functions command err))
     :timeout azml-command-timeout)))

(defun azml--text (value)
  "VALUE as display text: JSON null and false become empty."
  (cond ((memq value '(nil :null :json-false)) "")
        ((stringp value) value)
        (t (format "%s" value))))

(defun azml--insert-block (title text)
  "Insert TEXT under TITLE unless TEXT is empty."
  (let ((text (azml--text text)))
    (unless (string-empty-p text)
      (insert (propertize (concat title ":") 'face 'bold) "\n" text)
      (unless (string-suffix-p "\n" text) (insert "\n")))))

(defun azml--insert-table (output)
  "Insert the preview of one OUTPUT table."
  (let ((columns (append (plist-get output :columns) nil)))
    (insert (propertize (format "Result port %s: %s rows x %d columns (%s)"
                                (azml--text (plist-get output :port))
                                (azml--text (plist-get output :rows))
                                (length columns)
                                (azml--text (plist-get output :path)))
                        'face 'bold)
            "\n")
    (insert "  " (mapconcat #'azml--text columns " | ") "\n")
    (insert "  " (mapconcat #'azml--text (plist-get output :dtypes) " | ") "\n")
    (mapc (lambda (row) (insert "  " (mapconcat #'azml--text row " | ") "\n"))
          (plist-get output :head))))

(defun azml--insert-error (err script)
  "Insert ERR, with a button to its line in SCRIPT."
  (let ((line (plist-get err :line)))
    (insert (propertize "error" 'face 'error))
    (when (numberp line)
      (insert " at ")
      (insert-text-button (format "line %d" line)
                          'action (lambda (_)
                                    (find-file-other-window script)
                                    (goto-char (point-min))
                                    (forward-line (1- line)))))
    (insert ":\n" (azml--text (if (string-empty-p (azml--text (plist-get err :detail)))
                                  (plist-get err :message)
                                (plist-get err :detail)))
            "\n")))

(defun azml-show-result (result script)
  "Show RESULT (the `azml.run' plist) of SCRIPT in *azml results*; return it."
  (let ((buffer (get-buffer-create "*azml results*")))
    (with-current-buffer buffer
      (let ((inhibit-read-only t)
            (environment (azml--text (plist-get result :environment))))
        (erase-buffer)
        (special-mode)
        (insert (if (eq (plist-get result :ok) t) "azml run: OK\n" "azml run: FAILED\n"))
        (unless (string-empty-p environment)
          (insert "Ran in " environment "\n"))
        (mapc #'azml--insert-table (plist-get result :outputs))
        (mapc (lambda (image) (insert "Image: " (azml--text image) "\n"))
              (plist-get result :images))
        (azml--insert-block "stdout" (plist-get result :stdout))
        (azml--insert-block "stderr" (plist-get result :stderr))
        (let ((err (plist-get result :error)))
          (when (consp err) (azml--insert-error err script)))
        (goto-char (point-min))))
    (display-buffer buffer)
    buffer))

(defun azml--read-inputs ()
  "Ask for the datasets and the bundle of a run."
  (let (inputs)
    (dolist (key '(:dataset1 :dataset2 :bundle))
      (let ((file (read-file-name (format "%s (empty for none): " (substring (symbol-name key) 1))
                                  nil "")))
        (unless (string-empty-p file)
          (setq inputs (append inputs (list key (expand-file-name file)))))))
    inputs))

;;;###autoload
(defun azml-run (&optional ask)
  "Run this script like the cloud module and show its results.
Inputs come from the script's `# azml:' header or pyproject.toml;
with prefix ASK, ask for them."
  (interactive "P")
  (let ((script buffer-file-name))
    (message "azml: running %s..." script)
    (azml--execute "azml.run" (and ask (azml--read-inputs))
                   (lambda (result)
                     (setq azml-last-result result)
                     (let ((buffer (azml-show-result result script)))
                       (message "azml: run %s" (if (eq (plist-get result :ok) t) "done" "failed"))
                       (run-hook-with-args 'azml-run-finished-functions result buffer))))))

(defun azml-attach-debugger (host port)
  "Attach dape to the debugpy server at HOST:PORT, or say where it listens."
  (if (fboundp 'dape)
      (funcall 'dape (list 'host host 'port port :request "attach" :type "python"
                           :justMyCode :json-false))
    (message "azml: debugpy listens on %s:%s; attach a debugger to it" host port)))

;;;###autoload
(defun azml-debug (&optional ask)
  "Run this script under debugpy and attach the debugger.
With prefix ASK, ask for the inputs."
  (interactive "P")
  (azml--execute "azml.debug" (and ask (azml--read-inputs))
                 (lambda (address)
                   (azml-attach-debugger (plist-get address :host) (plist-get address :port)))))

;;;###autoload
(defun azml-check ()
  "Check the workspace against the module's contract."
  (interactive)
  (azml--execute "azml.check" nil
                 (lambda (result) (message "azml check: %s" (json-encode result)))))

(provide 'azml)
;;; azml.el ends here
