//! Rendered Helm output: the `# Source:` comment that heads each document.
