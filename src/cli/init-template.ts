/** The starter config.toml that `llmconf config init` writes. */

/** A commented starter configuration: a default LLM, two named configs, and two agents using them. */
export const INIT_TEMPLATE = `#:schema ./node_modules/llmconf/config.schema.json
# The line above lets Taplo / Even Better TOML check this file as you type (adjust the path if
# llmconf is not installed in ./node_modules). Every key: docs/config.md, or \`llmconf config schema\`.
#
# Check it:    llmconf config check
# See it:      llmconf config show
# Explain it:  llmconf config explain --agent RepoExplorerAgent

[core]
# The agent that runs when none is named (override with -c).
default_agent = "CodeActAgent"
# Stop an agent run after this many steps (override with -i).
max_iterations = 100

# The default LLM config: used by agents that do not name one, and inherited by every
# [llm.<name>] section for each field that section does not set.
[llm]
model = "gpt-4o"
# \${VAR} reads the environment when the file is loaded, so the key never sits in this file.
api_key = "\${OPENAI_API_KEY}"
temperature = 0.0
num_retries = 5

# A cheap, slightly exploratory config: reading code and answering questions about it.
# It inherits api_key and num_retries from [llm].
[llm.cheap]
model = "gpt-4o-mini"
temperature = 0.2

# A strong, deterministic config with room for long answers: writing code.
[llm.strong]
model = "gpt-4.1"
max_output_tokens = 8192

# Agents pick a named config with llm_config; without one they use [llm] (or the -l choice).
[agent.RepoExplorerAgent]
llm_config = "cheap"

[agent.CodeWriterAgent]
llm_config = "strong"
`;
