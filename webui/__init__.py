"""vnsearch: webui."""
