;;; driver.el --- Drives azml.el and eglot through the editor scenario  -*- lexical-binding: t; -*-

;; Environment: AZML_FINDINGS (output file), AZML_LSP_CMD (JSON list), AZML_EDITORS (editors/).
;; The script to open is the first argument after this file.

(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(add-to-list 'load-path (expand-file-name "emacs" (getenv "AZML_EDITORS")))
(require 'json)
(require 'cl-lib)
(require 'azml)
(setq jsonrpc-default-request-timeout 90)

(defvar driver-started (float-time))
(defvar driver-log nil)
(defvar driver-findings nil)
(defvar driver-published 0)
(defvar driver-diagnostics [])

(defun driver-note (text)
  (push (format "%.1fs %s" (- (float-time) driver-started) text) driver-log))

(defun driver-put (key value)
  (setq driver-findings (plist-put driver-findings key value)))

(defun driver-finish (code)
  (driver-put :log (vconcat (reverse driver-log)))
  (with-temp-file (getenv "AZML_FINDINGS")
    (insert (json-encode driver-findings)))
  (kill-emacs code))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key diagnostics &allow-other-keys)
  (setq driver-published (1+ driver-published)
        driver-diagnostics diagnostics))

(defun driver-pump (seconds predicate)
  "Process events for up to SECONDS until PREDICATE holds, running idle timers by hand."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (dolist (timer (copy-sequence timer-idle-list))
        (timer-event-handler timer))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun driver-diagnostics ()
  (vconcat (mapcar (lambda (d)
                     (list :code (or (plist-get d :code) :null)
                           :message (plist-get d :message)
                           :line (plist-get (plist-get (plist-get d :range) :start) :line)))
                   driver-diagnostics)))

(defun driver-has-rule-code ()
  (cl-some (lambda (d) (let ((code (plist-get d :code)))
                         (and (stringp code) (string-match-p "\\`AZ[0-9]+\\'" code))))
           driver-diagnostics))

(defun driver-goto-after (needle)
  (goto-char (point-min))
  (unless (search-forward needle nil t)
    (error "Text not found: %s" needle)))

(defun driver-wait-diagnostics (since predicate)
  (driver-pump 30 (lambda () (and (> driver-published since) (funcall predicate))))
  (driver-diagnostics))

(defun driver-main ()
  (find-file (expand-file-name (car command-line-args-left)))
  (setq command-line-args-left nil)
  (setq azml-server-command (json-parse-string (getenv "AZML_LSP_CMD") :array-type 'list))
  (azml-setup t)
  (apply #'eglot (eglot--guess-contact))
  (unless (driver-pump 20 (lambda () (let ((s (eglot-current-server)))
                                        (and s (eglot--server-capable :hoverProvider)))))
    (driver-note "the server did not initialize")
    (driver-finish 1))
  (driver-put :diagnostics_initial (driver-wait-diagnostics 0 #'always))
  (let ((server (eglot-current-server)) (initial (length driver-diagnostics)))
    (driver-note "hover")
    (driver-goto-after "dataframe1.gr")
    (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams))))
      (driver-put :hover (if hover (json-encode (plist-get hover :contents)) "")))
    (driver-note "completion")
    (driver-goto-after "dataframe1.")
    (let* ((capf (eglot-completion-at-point))
           (labels (and capf (all-completions "" (nth 2 capf)))))
      (driver-put :completion (vconcat labels)))
    (driver-note "break")
    (driver-goto-after "def azureml_main")
    (replace-match "def azureml_mian")
    (driver-put :diagnostics_broken (driver-wait-diagnostics driver-published #'driver-has-rule-code))
    (driver-put :code_actions
                (if (eglot--server-capable :codeActionProvider)
                    (vconcat (mapcar (lambda (a) (plist-get a :title))
                                     (jsonrpc-request
                                      server :textDocument/codeAction
                                      (list :textDocument (eglot--TextDocumentIdentifier)
                                            :range (list :start (eglot--pos-to-lsp-position (line-beginning-position))
                                                         :end (eglot--pos-to-lsp-position (line-end-position)))
                                            :context (list :diagnostics driver-diagnostics)))))
                  (driver-note "the server offers no codeActionProvider")
                  []))
    (driver-note "fix")
    (driver-goto-after "def azureml_mian")
    (replace-match "def azureml_main")
    (driver-put :diagnostics_fixed
                (driver-wait-diagnostics driver-published
                                         (lambda () (<= (length driver-diagnostics) initial))))
    (driver-note "run")
    (let ((done nil))
      (add-hook 'azml-run-finished-functions
                (lambda (result buffer)
                  (driver-put :run result)
                  (driver-put :results_view (with-current-buffer buffer (buffer-string)))
                  (setq done t)))
      (add-hook 'azml-command-failed-functions
                (lambda (command err)
                  (driver-note (format "%s failed: %S" command err))
                  (setq done t)))
      (azml-run)
      (unless (driver-pump 60 (lambda () done))
        (driver-note "azml.run gave no reply")))
    (driver-note "finish")
    (driver-finish 0)))

(condition-case err
    (driver-main)
  (error (driver-note (format "driver error: %S" err))
         (driver-finish 1)))
