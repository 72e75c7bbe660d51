"""Statistical models fitted on the book: the early-warning risk model (``risk``) and its check on the
real IBM receivables sample (``ibm``). Pure functions of frames; scikit-learn, never streamlit."""
