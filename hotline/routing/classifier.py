"""The unit classifier: character n-grams of the ticket's text (no word segmentation needed for
Chinese) weighted by TF-IDF, and a multinomial logistic regression over the units (scikit-learn).

Stored per version in `RouterModel.artifact` with joblib; each process keeps the active version
loaded and checks with one small query per suggestion whether it is still the active one.
"""

import io
import logging

import joblib
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from hotline.models import RouterModel

LIBRARY = f"scikit-learn {sklearn.__version__}"
logger = logging.getLogger(__name__)


def build():
    return make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, max_features=80_000, sublinear_tf=True),
        LogisticRegression(C=8.0, max_iter=300),
    )


def fit(documents, labels):
    return build().fit(documents, labels)


def ranked(model, documents, *, top=5):
    """Per document, [(unit_id, probability), …] best first, `top` at most."""
    probabilities = model.predict_proba(documents)
    classes = model.classes_
    out = []
    for row in probabilities:
        best = row.argsort()[::-1][:top]
        out.append([(int(classes[i]), float(row[i])) for i in best])
    return out


def dumps(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def loads(data):
    return joblib.load(io.BytesIO(bytes(data)))


_active = {"key": None, "version": None, "model": None}


def active():
    """(RouterModel version number, fitted pipeline) of the active version, or (None, None)."""
    current = (
        RouterModel.objects.filter(status=RouterModel.Status.ACTIVE).values_list("pk", "version", "finished_at").first()
    )
    if current is None:
        _active.update(key=None, version=None, model=None)
        return None, None
    if _active["key"] != current:  # the finish time too: a restored or re-created database reuses numbers
        data = RouterModel.objects.filter(pk=current[0]).values_list("artifact", flat=True).first()
        if not data:
            return None, None
        try:
            model = loads(data)
        except Exception:  # e.g. stored by another scikit-learn version: suggest from the rules until retrained
            logger.exception("the active unit classifier v%s could not be loaded", current[1])
            return None, None
        _active.update(key=current, version=current[1], model=model)
    return _active["version"], _active["model"]
