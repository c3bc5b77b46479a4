"""Training the unit classifier and predicting with it, end to end on a small history."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from sklearn.dummy import DummyClassifier

from hotline.models import RouterModel
from hotline.routing import classifier, training
from hotline.routing.suggest import suggest_units
from tests.conftest import at
from tests.routing_helpers import bulk_history


@pytest.mark.django_db
def test_too_little_history_keeps_the_rules_only(units):
    bulk_history(units, per_unit=20)  # 60 < MIN_SAMPLES

    run = training.train()

    assert run.status == RouterModel.Status.REJECTED and run.artifact is None
    assert run.samples == 60 and "60" in run.note
    assert classifier.active() == (None, None)
    assert not training.has_new_history()


@pytest.mark.django_db
def test_a_trained_model_suggests_the_unit_that_handles_the_matter(units):
    bulk_history(units, per_unit=80)

    run = training.train()

    assert run.status == RouterModel.Status.ACTIVE and run.version == 1
    assert (run.samples, run.classes, run.train_samples + run.test_samples) == (240, 3, 240)
    assert run.test_samples == 48  # the newest fifth, held out
    assert run.top1 > 0.9 and run.top3 == 1.0
    assert run.rules_top1 == 0.0  # there are no rules and no villages in this history
    assert run.library.startswith("scikit-learn")

    got = suggest_units(title="村口自来水管爆裂", description="水流了一地，停水两天了")
    assert got[0]["unit"] == units["water"] and 0.5 < got[0]["score"] <= 1
    assert "模型v1" in got[0]["reason"]
    assert suggest_units(title="国道上有个大坑")[0]["unit"] == units["roads"]


@pytest.mark.django_db
def test_a_new_version_replaces_the_old_only_if_it_is_not_worse(units, monkeypatch):
    bulk_history(units, per_unit=80)
    first = training.train()
    bulk_history(units, per_unit=10, seed=2)  # new history: the nightly job would train again
    assert training.has_new_history()

    def always_the_biggest_unit(documents, labels):
        return classifier.make_pipeline(classifier.TfidfVectorizer(analyzer="char"), DummyClassifier()).fit(documents, labels)

    monkeypatch.setattr(classifier, "fit", always_the_biggest_unit)
    worse = training.train()

    assert worse.status == RouterModel.Status.REJECTED and worse.artifact is None
    assert worse.compared_with == first and worse.top1 < worse.compared_top1
    first.refresh_from_db()
    assert first.status == RouterModel.Status.ACTIVE and classifier.active()[0] == 1

    assert worse.compared_on == 0  # no held-out ticket is newer than v1's history: v1's own figure counts
    assert worse.compared_top1 == first.top1

    monkeypatch.undo()
    bulk_history(units, per_unit=40, seed=3, start=at(2026, 6, 1, 9, 0))  # months after v1's history
    better = training.train()
    assert better.status == RouterModel.Status.ACTIVE
    assert better.compared_on == better.test_samples == 78  # all held out tickets are newer than v1 saw
    first.refresh_from_db()
    assert first.status == RouterModel.Status.RETIRED and first.artifact is None
    assert classifier.active()[0] == better.version


@pytest.mark.django_db
def test_only_one_training_at_a_time(units):
    bulk_history(units, per_unit=80)
    RouterModel.objects.create(version=1, trigger="nightly")  # another run is training

    assert training.train() is None
    with pytest.raises(CommandError, match="另一次训练正在进行"):
        call_command("train_router")


@pytest.mark.django_db
def test_the_command_reports_the_version_and_its_accuracy(units, capsys):
    bulk_history(units, per_unit=80)
    call_command("train_router")
    out = capsys.readouterr().out
    assert "v1" in out and "历史工单 240 件" in out and "首位命中率" in out


@pytest.mark.django_db
def test_a_stored_model_that_cannot_be_loaded_falls_back_to_the_rules(units, village):
    bulk_history(units, per_unit=80)
    run = training.train()
    RouterModel.objects.filter(pk=run.pk).update(artifact=b"not a joblib file")
    classifier._active.update(key=None, version=None, model=None)

    got = suggest_units(title="自来水管爆裂", village=village)
    assert got[0]["unit"] == units["town"] and "模型" not in got[0]["reason"]
