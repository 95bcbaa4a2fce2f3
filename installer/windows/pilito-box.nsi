; pilito-box setup for Windows (64-bit, per machine). Built by installer/build.sh windows:
;   makensis -DVERSION=x.y.z -DSRC=<folder with pilito-box.exe and friends> -DOUT=<setup.exe> pilito-box.nsi
; Installs to Program Files, adds Start-menu and start-at-login shortcuts and a firewall rule for
; port 8765 on private networks, offers to start it and open the agent page. Uninstalling keeps the
; data (in %APPDATA%\Pilito\pilito-box) unless the user asks; a silent uninstall always keeps it.
Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define APP "pilito-box"
!define PORT "8765"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\pilito-box"

Name "pilito-box ${VERSION}"
OutFile "${OUT}"
InstallDir "$PROGRAMFILES64\pilito-box"
RequestExecutionLevel admin
BrandingText "pilito-box ${VERSION}"

!define MUI_ICON "${SRC}\pilito-box.ico"
!define MUI_UNICON "${SRC}\pilito-box.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\pilito-box.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start pilito-box now"
!define MUI_FINISHPAGE_SHOWREADME "http://localhost:${PORT}/connect"
!define MUI_FINISHPAGE_SHOWREADME_TEXT "Connect devices (the certificate to trust, then the agent page)"
!define MUI_FINISHPAGE_SHOWREADME_NOTCHECKED

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${SRC}\LICENSE.txt"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "pilito-box" Main
  SectionIn RO
  SetShellVarContext all
  nsExec::ExecToLog 'taskkill /IM pilito-box.exe'
  SetOutPath "$INSTDIR"
  File "${SRC}\pilito-box.exe"
  File "${SRC}\pilito-box.ico"
  File "${SRC}\README.md"
  File "${SRC}\LICENSE.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\pilito-box"
  CreateShortcut "$SMPROGRAMS\pilito-box\pilito-box.lnk" "$INSTDIR\pilito-box.exe" "" "$INSTDIR\pilito-box.ico"
  CreateShortcut "$SMPROGRAMS\pilito-box\Uninstall pilito-box.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMSTARTUP\pilito-box.lnk" "$INSTDIR\pilito-box.exe" "" "$INSTDIR\pilito-box.ico"

  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="pilito-box"'
  nsExec::ExecToLog 'netsh advfirewall firewall add rule name="pilito-box" dir=in action=allow protocol=TCP localport=${PORT} profile=private program="$INSTDIR\pilito-box.exe"'

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "pilito-box"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "pilito-box authors"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\pilito-box.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  nsExec::ExecToLog 'taskkill /IM pilito-box.exe'
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="pilito-box"'
  Delete "$SMSTARTUP\pilito-box.lnk"
  Delete "$SMPROGRAMS\pilito-box\pilito-box.lnk"
  Delete "$SMPROGRAMS\pilito-box\Uninstall pilito-box.lnk"
  RMDir "$SMPROGRAMS\pilito-box"
  Delete "$INSTDIR\pilito-box.exe"
  Delete "$INSTDIR\pilito-box.ico"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  ${IfNot} ${Silent}
    MessageBox MB_YESNO|MB_DEFBUTTON2|MB_ICONQUESTION "Also delete pilito-box's data (conversations, users, logs)? Choose No to keep them for a later installation." IDNO keep
    SetShellVarContext current
    RMDir /r "$APPDATA\Pilito\pilito-box"
    RMDir /r "$LOCALAPPDATA\Pilito\pilito-box"
    keep:
  ${EndIf}
SectionEnd
