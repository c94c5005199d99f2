# Shell completion for ismsctl (issue 20.5): the scripts come from the
# built ismsctl ("ismsctl completion SHELL"), which draws every candidate
# from its command table and the descriptors, so they are generated here
# at build time, never written by hand, and installed into each shell's
# completion directory.
include(GNUInstallDirs)

set(ISMS_COMPLETION_DIR ${CMAKE_BINARY_DIR}/completion)
set(ISMS_COMPLETION_FILES
  ${ISMS_COMPLETION_DIR}/ismsctl
  ${ISMS_COMPLETION_DIR}/_ismsctl
  ${ISMS_COMPLETION_DIR}/ismsctl.fish)
add_custom_command(
  OUTPUT ${ISMS_COMPLETION_FILES}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${ISMS_COMPLETION_DIR}
  COMMAND $<TARGET_FILE:ismsctl> completion bash > ${ISMS_COMPLETION_DIR}/ismsctl
  COMMAND $<TARGET_FILE:ismsctl> completion zsh > ${ISMS_COMPLETION_DIR}/_ismsctl
  COMMAND $<TARGET_FILE:ismsctl> completion fish > ${ISMS_COMPLETION_DIR}/ismsctl.fish
  DEPENDS ismsctl
  COMMENT "Generating the shell completion scripts of ismsctl"
  VERBATIM)
add_custom_target(ismsctl_completion ALL DEPENDS ${ISMS_COMPLETION_FILES})

# bash-completion says where its completions go (under our prefix); else
# the directory it reads by default.
set(ISMS_BASH_COMPLETION_DIR
  ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
find_program(ISMS_PKG_CONFIG pkg-config)
if(ISMS_PKG_CONFIG)
  execute_process(
    COMMAND ${ISMS_PKG_CONFIG} --define-variable=prefix=${CMAKE_INSTALL_PREFIX}
            --variable=completionsdir bash-completion
    OUTPUT_VARIABLE ISMS_BASHCOMP_PC OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE ISMS_BASHCOMP_RC ERROR_QUIET)
  if(ISMS_BASHCOMP_RC EQUAL 0 AND ISMS_BASHCOMP_PC)
    set(ISMS_BASH_COMPLETION_DIR ${ISMS_BASHCOMP_PC})
  endif()
endif()
install(FILES ${ISMS_COMPLETION_DIR}/ismsctl
  DESTINATION ${ISMS_BASH_COMPLETION_DIR})
install(FILES ${ISMS_COMPLETION_DIR}/_ismsctl
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${ISMS_COMPLETION_DIR}/ismsctl.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
