"""Fixtures of the submission tests: a visitor's client, and staff who may label."""
import pytest
from rest_framework.test import APIClient

from .factories import as_visitor, labeller


@pytest.fixture
def visitor_client():
    """An API client whose session is the visitor "visitor-a", the default owner of factory drawings."""
    return as_visitor(APIClient(), "visitor-a")


@pytest.fixture
def staff(db):
    return labeller()
