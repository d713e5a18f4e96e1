// django-celery-beat's periodic task form: the crontab's help says in words when the chosen schedule runs.
"use strict";

(function () {
  const $ = django.jQuery;
  const readableCrontabs = JSON.parse($("#readable-crontabs").text());
  const originalCrontabHelp = document.currentScript.dataset.crontabHelp;

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    const help = $(".field-crontab .help");
    help.text(originalCrontabHelp);
    help.append("<br>", document.createTextNode(`Translation: ${readableCrontabs[$("#id_crontab").val()]}`));
  });
})();
