from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_TEXT


class CountyPolicyForm(forms.Form):
    """A new version of a county's policy: pasted text or an uploaded TOML file (the file wins), and a note."""

    text = forms.CharField(
        label=_("政策文本（TOML）"),
        required=False,
        strip=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono", "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("或上传 TOML 文件"),
        required=False,
        help_text=_("UTF-8 编码；上传文件时以文件内容为准"),
        widget=forms.ClearableFileInput(attrs={"accept": ".toml,text/plain"}),
    )
    note = forms.CharField(
        label=_("修改说明"), max_length=1000, required=False, help_text=_("写明修改了什么、依据哪个文件")
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_TEXT * 4:
                raise forms.ValidationError(_("文件过大"))
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("文件不是 UTF-8 编码的文本")) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("请粘贴政策文本或上传 TOML 文件"))
        return data
