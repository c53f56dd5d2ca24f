"""The adapter contract suite, run for every built-in department adapter."""

from __future__ import annotations

import pytest

from adapters.departments import (
    housing_fund,
    hr_social_security,
    medical_insurance,
    public_security,
    registrations,
    tax,
    utilities,
)
from adapters.testing.contract import AdapterContract

pytestmark = pytest.mark.contract


class TestPublicSecurity(AdapterContract):
    router = public_security.router


class TestTax(AdapterContract):
    router = tax.router


class TestHrSocialSecurity(AdapterContract):
    router = hr_social_security.router


class TestMedicalInsurance(AdapterContract):
    router = medical_insurance.router


class TestHousingFund(AdapterContract):
    router = housing_fund.router
    region = "jincheng_chengqu"  # the national list routes its acts through 住建


class TestHousingConstruction(AdapterContract):
    router = registrations.housing_construction


class TestMarketRegulation(AdapterContract):
    router = registrations.market_regulation


class TestHealth(AdapterContract):
    router = registrations.health


class TestDiseaseControl(AdapterContract):
    router = registrations.disease_control


class TestCivilAffairs(AdapterContract):
    router = registrations.civil_affairs


class TestNaturalResources(AdapterContract):
    router = registrations.natural_resources


class TestDisabledPersonsFederation(AdapterContract):
    router = registrations.disabled_persons_federation


class TestVeteransAffairs(AdapterContract):
    router = registrations.veterans_affairs


class TestArmedForces(AdapterContract):
    router = registrations.armed_forces


class TestFireRescue(AdapterContract):
    router = registrations.fire_rescue


class TestEnergy(AdapterContract):
    router = utilities.energy


class TestWaterUtility(AdapterContract):
    router = utilities.water


class TestGasUtility(AdapterContract):
    router = utilities.gas


class TestElectricity(AdapterContract):
    router = utilities.electricity
