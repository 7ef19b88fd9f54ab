"""Chinese: the one loader of editable word lists (`lexicon`), numerals
(`numerals`), scripts and character ranges (`script`), and segmentation with
jieba's model (`segment`). Nothing here imports an extractor."""
